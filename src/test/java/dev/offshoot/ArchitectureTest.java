package dev.offshoot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The layering the code promises (docs/architecture.md): features reach the machines only through
 * the provisioning seam, nothing below the seam knows a feature, errors are neutral, and no two
 * packages depend on each other in a circle.
 */
class ArchitectureTest {

    static final String[] FEATURES = {"dev.offshoot.branch..", "dev.offshoot.template..",
            "dev.offshoot.migration..", "dev.offshoot.reaper..", "dev.offshoot.mcp..", "dev.offshoot.console..",
            "dev.offshoot.metadata..", "dev.offshoot.neon..", "dev.offshoot.auth..", "dev.offshoot.audit..",
            "dev.offshoot.web..", "dev.offshoot.cli..", "dev.offshoot.tuning..", "dev.offshoot.gateway.."};

    static final String[] BELOW_FEATURES = {"dev.offshoot.provision..", "dev.offshoot.runtime..",
            "dev.offshoot.storage..", "dev.offshoot.instance..", "dev.offshoot.error..", "dev.offshoot.naming..",
            "dev.offshoot.postgres..", "dev.offshoot.config..", "dev.offshoot.paging..", "dev.offshoot.replica.."};

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.offshoot");

    @Test
    void featuresReachRuntimeAndStorageOnlyThroughTheProvisioningSeam() {
        noClasses().that().resideInAnyPackage(FEATURES)
                .should().dependOnClassesThat().resideInAnyPackage("dev.offshoot.runtime..", "dev.offshoot.storage..")
                .check(CLASSES);
    }

    @Test
    void nothingBelowTheSeamKnowsAFeatureOrTheSeam() {
        noClasses().that().resideInAnyPackage(BELOW_FEATURES)
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .check(CLASSES);
        noClasses().that().resideInAnyPackage("dev.offshoot.runtime..", "dev.offshoot.storage..")
                .should().dependOnClassesThat().resideInAPackage("dev.offshoot.provision..")
                .check(CLASSES);
    }

    @Test
    void errorsAndEverythingBelowTheFeaturesKnowNoHttp() {
        noClasses().that().resideInAnyPackage(BELOW_FEATURES)
                .should().dependOnClassesThat().resideInAPackage("org.springframework.http..")
                .because("errors carry a kind; the web layer alone maps kinds to statuses")
                .check(CLASSES);
    }

    @Test
    void onlyTheRuntimeAndTheStorageDriversTalkToKubernetes() {
        noClasses().that().resideOutsideOfPackages("dev.offshoot.runtime..", "dev.offshoot.storage..")
                .should().dependOnClassesThat().resideInAPackage("io.fabric8..")
                .because("the cluster is reached through the provisioning seam only")
                .check(CLASSES);
    }

    @Test
    void noPackagesDependOnEachOtherInACircle() {
        slices().matching("dev.offshoot.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
