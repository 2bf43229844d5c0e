package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;

class DisclosureTest {

    static final Principal READER = new Principal("r", EnumSet.of(Scope.READ), Set.of(), null, null);
    static final Principal WRITER = new Principal("w", EnumSet.of(Scope.WRITE), Set.of(), null, null);

    @Test
    void listsNeverCarryAPasswordAndOneBranchCarriesTheOwnersOnlyForWriters() {
        assertThat(Disclosure.of(WRITER, false)).isEqualTo(Disclosure.NONE);
        assertThat(Disclosure.of(Principal.admin("a"), false)).isEqualTo(Disclosure.NONE);
        assertThat(Disclosure.of(READER, true)).isEqualTo(Disclosure.READ_ONLY);
        assertThat(Disclosure.of(WRITER, true)).isEqualTo(Disclosure.OWNER);
    }
}
