package dev.offshoot.template;

import java.util.Map;
import java.util.UUID;

/** What the template service needs to know of branches; implemented by the branch feature. */
public interface TemplateBranches {

    /** Live branches per revision number of the template. */
    Map<Integer, Long> liveBranchCounts(UUID templateId);

    /** Deletes every live branch of the template (forced template deletion). */
    void deleteAllOf(UUID templateId);
}
