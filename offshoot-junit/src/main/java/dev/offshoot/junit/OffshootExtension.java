package dev.offshoot.junit;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Takes a branch before a test class (or each test, with {@code perTest}) and deletes it when JUnit
 * closes the class's (or test's) store, whatever the tests did; the branch's TTL covers a JVM that
 * never gets there. Branches are named {@code junit-<class>-<random>} and labelled
 * {@code offshoot.junit=<class>}. See {@link OffshootBranch}.
 */
public final class OffshootExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OffshootExtension.class);
    private static final String BRANCH = "branch";

    @Override
    public void beforeAll(ExtensionContext context) {
        OffshootBranch settings = settings(context);
        if (!settings.perTest()) {
            take(context, settings);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        OffshootBranch settings = settings(context);
        if (settings.perTest()) {
            take(context, settings);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == DataSource.class || type == OffshootDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        OffshootDatabase database = find(context).orElseThrow(() -> new ParameterResolutionException(
                "no Offshoot branch here yet: with perTest = true the branch exists from @BeforeEach on"));
        return parameter.getParameter().getType() == DataSource.class ? database.dataSource() : database;
    }

    /** The branch of this test, or of its class: a store answers with its nearest ancestor's value. */
    private static Optional<OffshootDatabase> find(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(NAMESPACE).get(BRANCH, Taken.class)).map(Taken::database);
    }

    private static void take(ExtensionContext context, OffshootBranch settings) {
        OffshootService service = service(context);
        String owner = context.getRequiredTestClass().getSimpleName();
        String name = branchName(owner);
        String template = settings.template().isBlank() ? setting(context, "offshoot.template", "OFFSHOOT_TEMPLATE")
                : settings.template();
        OffshootDatabase database = service.create(name, template, settings.ttl(),
                Map.of("offshoot.junit", label(owner)));
        context.getStore(NAMESPACE).put(BRANCH, new Taken(database, service));
    }

    /** {@code junit-<class>-<8 hex>}, within the 63 characters of a branch name. */
    static String branchName(String testClass) {
        String part = testClass.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        part = part.length() > 40 ? part.substring(0, 40).replaceAll("-+$", "") : part;
        return "junit-" + (part.isEmpty() ? "test" : part) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String label(String testClass) {
        String value = testClass.replaceAll("[^A-Za-z0-9._-]", "_");
        return value.length() > 63 ? value.substring(0, 63) : value;
    }

    private static OffshootBranch settings(ExtensionContext context) {
        return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), OffshootBranch.class)
                .orElseThrow(() -> new ExtensionConfigurationException("OffshootExtension needs @OffshootBranch on the test class"));
    }

    /** offshoot.url / offshoot.token (configuration parameters or system properties), else OFFSHOOT_URL / OFFSHOOT_TOKEN. */
    private static OffshootService service(ExtensionContext context) {
        String url = setting(context, "offshoot.url", "OFFSHOOT_URL");
        String token = setting(context, "offshoot.token", "OFFSHOOT_TOKEN");
        return new OffshootService(url, token);
    }

    private static String setting(ExtensionContext context, String parameter, String variable) {
        return context.getConfigurationParameter(parameter).filter(v -> !v.isBlank())
                .or(() -> Optional.ofNullable(System.getenv(variable)).filter(v -> !v.isBlank()))
                .orElseThrow(() -> new ExtensionConfigurationException("offshoot: set " + parameter
                        + " (junit-platform.properties or -D" + parameter + "=...) or " + variable));
    }

    /**
     * A branch this extension took, deleted when JUnit closes the store that holds it: JUnit 5.13 and
     * later close AutoCloseable values, earlier ones CloseableResource values; one close() serves both.
     */
    @SuppressWarnings("deprecation")
    record Taken(OffshootDatabase database, OffshootService service)
            implements AutoCloseable, ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            service.delete(database.name());
        }
    }
}
