package dev.offshoot.branch;

import org.springframework.data.relational.core.mapping.Table;

/** One label of a branch (repo, pr, ref or free-form). */
@Table("branch_label")
record BranchLabel(String key, String value) {
}
