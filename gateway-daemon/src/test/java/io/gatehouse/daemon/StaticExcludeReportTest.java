package io.gatehouse.daemon;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.GatewayConfigBuilder.FilesBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse check} and the admin {@code /config} show the extensions a files action never sends as files. */
class StaticExcludeReportTest {

    private static GatewayConfig files(Consumer<FilesBuilder> definition) throws ConfigException {
        return GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> definition.accept(f.root("/srv/www")))).build();
    }

    @Test
    void checkShowsTheDefaultListWhenTheKeyIsAbsent() throws ConfigException {
        String report = RouteReport.of(files(f -> { }));

        assertTrue(report.contains("files root /srv/www, index [index.html], "
                + "staticExclude [\".php\", \".phtml\", \".pl\", \".fcgi\", \".cgi\"], listing off\n"), report);
    }

    @Test
    void checkSaysWhenScriptsAreSentAsFiles() throws ConfigException {
        String report = RouteReport.of(files(FilesBuilder::staticExclude));

        assertTrue(report.contains(", staticExclude none (scripts are sent as files), "), report);
    }

    @Test
    void configShowsTheListUnderItsKey() throws ConfigException, IOException {
        String json = ConfigJson.of(files(f -> f.staticExclude(".php", ".py")));

        assertTrue(json.contains("\"staticExclude\" : [ \".php\", \".py\" ]"), json);
    }
}
