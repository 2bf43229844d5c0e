package dev.offshoot.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.offshoot.naming.Names;

/** The parts of offshoot-junit that need no service: its JSON, its names, what it prints. */
class OffshootJunitTest {

    @Test
    void readsTheServicesAnswers() {
        Object parsed = Json.parse("""
                {"name":"junit-x","created":true,"revision":3,"labels":{},"parentBranch":null,
                 "connection":{"uri":"postgresql://u:p%40ss@h:5/db","password":"a\\"b\\\\c\\u00e9"},"items":[1,"two",[]]}""");
        Map<?, ?> branch = (Map<?, ?>) parsed;
        assertThat(branch.get("created")).isEqualTo(true);
        assertThat(branch.get("revision")).isEqualTo("3");
        assertThat(branch.get("parentBranch")).isNull();
        assertThat(((Map<?, ?>) branch.get("connection")).get("password")).isEqualTo("a\"b\\cé");
        assertThat(branch.get("items")).isEqualTo(List.of("1", "two", List.of()));
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "n\"1");
        body.put("labels", Map.of("offshoot.junit", "A\nB"));
        Map<?, ?> back = (Map<?, ?>) Json.parse(Json.write(body));
        assertThat(back.get("name")).isEqualTo("n\"1");
        assertThat(((Map<?, ?>) back.get("labels")).get("offshoot.junit")).isEqualTo("A\nB");
    }

    @Test
    void branchNamesAreValidWhateverTheTestClassIsCalled() {
        for (String testClass : List.of("FilmRepositoryTest", "Ünïcode_Test$Inner", "___", "A".repeat(200))) {
            String name = OffshootExtension.branchName(testClass);
            Names.requireResourceName("branch", name);
            assertThat(name).startsWith("junit-");
        }
        assertThat(OffshootExtension.branchName("FilmRepositoryTest")).matches("junit-filmrepositorytest-[0-9a-f]{8}");
        assertThat(OffshootExtension.branchName("T")).isNotEqualTo(OffshootExtension.branchName("T"));
    }

    @Test
    void aDatabasePrintsWithoutItsPassword() throws Exception {
        OffshootDatabase database = new OffshootDatabase("b", "jdbc:postgresql://h:5/db", "u", "s3cret", "postgresql://u:s3cret@h:5/db");
        assertThat(database.toString()).doesNotContain("s3cret");
        assertThat(database.dataSource().toString()).doesNotContain("s3cret");
        assertThat(database.dataSource().isWrapperFor(javax.sql.DataSource.class)).isTrue();
    }
}
