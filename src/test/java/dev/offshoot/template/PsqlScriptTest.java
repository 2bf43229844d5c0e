package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PsqlScriptTest {

    @TempDir
    Path dir;

    @Test
    void findsAMetaCommandWithItsLine() throws Exception {
        assertThat(scan("SELECT 1;\n\n  \\c - postgres\n")).contains(new PsqlScript.MetaCommand(3, "\\c"));
        assertThat(scan("\\! touch /tmp/pwned\n")).contains(new PsqlScript.MetaCommand(1, "\\!"));
        assertThat(scan("\\lo_export 1 /tmp/x\n")).contains(new PsqlScript.MetaCommand(1, "\\lo_export"));
    }

    @Test
    void copyDataAndDollarQuotesMayHoldLinesStartingWithABackslash() throws Exception {
        String script = """
                COPY public.actor (first_name, actor_id) FROM stdin;
                \\N\t1
                \\\\c - postgres\t2
                \\.
                CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT '
                \\ not a meta-command' $body$;
                SELECT 1;
                """;
        assertThat(scan(script)).isEmpty();
        assertThat(scan(script + "\\c - postgres\n")).contains(new PsqlScript.MetaCommand(8, "\\c"));
    }

    @Test
    void pgDumpsOwnRestrictionPairIsNotReported() throws Exception {
        assertThat(scan("\\restrict AbC123\nSELECT 1;\n\\unrestrict AbC123\n")).isEmpty();
    }

    @Test
    void theOwnerFilterKeepsLineNumbers() throws Exception {
        Path source = Files.writeString(dir.resolve("in.sql"),
                "\\restrict K1\nCREATE TABLE t (x int);\nALTER TABLE public.t OWNER TO postgres;\nSELECT 1;\n");
        Path target = dir.resolve("out.sql");

        SqlOwnerFilter.copyWithoutOwnerStatements(source, target);

        assertThat(Files.readAllLines(target)).containsExactly("", "CREATE TABLE t (x int);", "", "SELECT 1;");
    }

    private Optional<PsqlScript.MetaCommand> scan(String content) throws Exception {
        return PsqlScript.firstMetaCommand(Files.writeString(dir.resolve("s.sql"), content));
    }
}
