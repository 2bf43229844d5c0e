package dev.offshoot.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputTailTest {

    @Test
    void shortOutputIsKeptWhole() {
        OutputTail tail = new OutputTail(100);
        tail.append("NOTICE: x\n");
        tail.append("ERROR: y\n");
        assertThat(tail).hasToString("NOTICE: x\nERROR: y\n");
    }

    @Test
    void aFloodOfOutputKeepsOnlyItsEnd() {
        OutputTail tail = new OutputTail(1000);
        String notice = "NOTICE:  relation already exists, skipping\n";
        for (int i = 0; i < 1_000_000; i++) {
            tail.append(notice);
        }
        tail.append("ERROR:  syntax error at or near \"x\"\n");

        String kept = tail.toString();
        assertThat(kept.length()).isLessThan(1100);
        assertThat(kept).startsWith("[... earlier output cut ...]").endsWith("ERROR:  syntax error at or near \"x\"\n");
    }
}
