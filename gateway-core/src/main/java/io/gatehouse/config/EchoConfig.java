package io.gatehouse.config;

/** {@code echo}: answer every request with the request line and headers as received, a diagnostic backend. */
public record EchoConfig() implements Action {

    @Override
    public String kind() {
        return "echo";
    }
}
