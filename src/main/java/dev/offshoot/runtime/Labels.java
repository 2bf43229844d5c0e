package dev.offshoot.runtime;

/** Labels on everything Offshoot creates; listing and reconciling go through these only. */
public final class Labels {

    public static final String MANAGED = "offshoot.managed";
    public static final String INSTANCE = "offshoot.instance";
    public static final String KIND = "offshoot.kind";
    public static final String BRANCH_ID = "offshoot.branch.id";
    public static final String BRANCH_NAME = "offshoot.branch.name";
    public static final String TEMPLATE = "offshoot.template";
    public static final String REVISION = "offshoot.template.revision";
    /** The instance key a Kubernetes Pod answers under (its branch's id), for the key's endpoint. */
    public static final String KEY = "offshoot.instance.key";

    public static final String KIND_BRANCH = "branch";
    public static final String KIND_BUILD = "template-build";
    public static final String KIND_JOB = "job";
    public static final String KIND_TEMPLATE_IMAGE = "template-revision";
    public static final String KIND_SNAPSHOT = "snapshot";
    public static final String KIND_METADATA = "metadata";
    /** A branch's own data (Kubernetes: its PersistentVolumeClaim). */
    public static final String KIND_BRANCH_DATA = "branch-data";
    /** A stopped Kubernetes Pod's record, from which it is started again. */
    public static final String KIND_STOPPED = "stopped-instance";

    private Labels() {
    }
}
