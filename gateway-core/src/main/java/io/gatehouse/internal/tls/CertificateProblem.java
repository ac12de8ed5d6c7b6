package io.gatehouse.internal.tls;

/**
 * What is wrong with a certificate's files, in words for the operator: the message names the file, never a byte of
 * key material. Expected (a configuration problem, not a bug), so it carries no stack trace.
 */
public final class CertificateProblem extends RuntimeException {

    /** Throwables are serializable; this one's form is its message and {@link #inKeyFile()}. */
    private static final long serialVersionUID = 1L;

    /** Whether {@code key}'s file is at fault rather than {@code cert}'s. */
    private final boolean inKeyFile;

    /**
     * @param inKeyFile whether the problem is the private key's file ({@code key}) rather than the chain's ({@code cert})
     * @param message   what is wrong and what would be right, naming the file
     */
    CertificateProblem(boolean inKeyFile, String message) {
        super(message, null, false, false);
        this.inKeyFile = inKeyFile;
    }

    /** @return true when {@code key}'s file is at fault, false when {@code cert}'s is */
    public boolean inKeyFile() {
        return inKeyFile;
    }
}
