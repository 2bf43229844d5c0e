package dev.offshoot.template;

import java.util.UUID;

/** The warm pool as templates see it (implemented by the branch feature). */
public interface TemplatePool {

    /** Members of this revision parked and ready to be claimed. */
    int ready(UUID templateId, int revision);
}
