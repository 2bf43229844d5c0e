package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class MigrationFileTest {

    @Test
    void versionsOrderNumericallyPartByPartAndRepeatablesComeLast() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : List.of("R__views.sql", "V13.1__later.sql", "V2__two.sql", "V12__twelve.sql",
                "V001__one.sql", "V13__thirteen.sql", "V1_1__one_one.sql", "R__a_functions.sql")) {
            files.put(name, "SELECT 1;");
        }

        assertThat(MigrationFile.ordered(files)).extracting(MigrationFile::name).containsExactly("V001__one.sql",
                "V1_1__one_one.sql", "V2__two.sql", "V12__twelve.sql", "V13__thirteen.sql", "V13.1__later.sql",
                "R__a_functions.sql", "R__views.sql");
    }

    @Test
    void descriptionsAndVersionsAreReadFromTheName() {
        MigrationFile file = MigrationFile.parse("V005__add_api_review_external_id.sql", "");

        assertThat(file.versionText()).isEqualTo("5");
        assertThat(file.description()).isEqualTo("add api review external id");
        assertThat(MigrationFile.parse("R__views.sql", "").repeatable()).isTrue();
        assertThat(MigrationFile.parse("V1.0__x.sql", "").versionText()).isEqualTo("1");
    }

    @Test
    void namesOutsideFlywaysConventionAreRejected() {
        for (String bad : List.of("add_table.sql", "V1_add.sql", "V__x.sql", "V1__x.txt", "dir/V1__x.sql", "U1__x.sql",
                "Vx__y.sql", "")) {
            assertThatThrownBy(() -> MigrationFile.parse(bad, "")).as(bad).isInstanceOf(OffshootException.class)
                    .extracting(e -> ((OffshootException) e).code()).isEqualTo("INVALID_MIGRATION_NAME");
        }
    }

    @Test
    void twoFilesWithTheSameVersionAreRejected() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("V1__a.sql", "");
        files.put("V001__b.sql", "");

        assertThatThrownBy(() -> MigrationFile.ordered(files)).hasMessageContaining("version 1 is also used by");
    }
}
