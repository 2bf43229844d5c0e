package dev.offshoot.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class gets an Offshoot branch of {@link #template()} (claimed from the template's warm pool
 * when it has one) before its first test, injected as a {@link javax.sql.DataSource} or an
 * {@link OffshootDatabase} into constructors, {@code @BeforeAll}, {@code @BeforeEach} and test
 * methods, and deleted after its last test; with {@link #perTest()} each test gets its own. Every
 * branch has a {@link #ttl()}, so a JVM that dies before the delete leaks it only that long.
 *
 * <p>Where the service is: {@code offshoot.url} and {@code offshoot.token} as JUnit configuration
 * parameters or system properties (e.g. in {@code junit-platform.properties}), else the
 * {@code OFFSHOOT_URL} and {@code OFFSHOOT_TOKEN} environment variables. The token needs the write scope.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(OffshootExtension.class)
public @interface OffshootBranch {

    /**
     * The template the branch is made from (its latest revision); empty: the {@code offshoot.template}
     * configuration parameter, else {@code OFFSHOOT_TEMPLATE}.
     */
    String template() default "";

    /** A branch of its own for every test instead of one for the class. */
    boolean perTest() default false;

    /** How long the branch may outlive a JVM that dies before deleting it (e.g. 30m, 2h). */
    String ttl() default "30m";
}
