package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlOwnerFilterTest {

    @TempDir
    Path dir;

    @Test
    void blanksOwnerStatementsKeepingLineNumbersAndEverythingElse() throws Exception {
        String dump = """
                CREATE TABLE public.actor (id int);
                ALTER TABLE public.actor OWNER TO postgres;
                ALTER FUNCTION public.last_day(timestamp with time zone) OWNER TO postgres;
                ALTER SCHEMA public OWNER TO postgres;
                COPY public.actor (id) FROM stdin;
                ALTER TABLE x OWNER TO y;
                \\.
                ALTER TABLE public.actor ADD COLUMN owner text;
                """;
        Path in = Files.writeString(dir.resolve("in.sql"), dump);
        Path out = dir.resolve("out.sql");

        SqlOwnerFilter.copyWithoutOwnerStatements(in, out);

        assertThat(Files.readString(out)).isEqualTo("""
                CREATE TABLE public.actor (id int);



                COPY public.actor (id) FROM stdin;
                ALTER TABLE x OWNER TO y;
                \\.
                ALTER TABLE public.actor ADD COLUMN owner text;
                """);
    }
}
