package dev.offshoot.provision;

import java.util.ArrayList;
import java.util.List;

/**
 * What a launch gives the started server before it is handed out: the owner's passwords (SCRAM
 * verifiers, computed by the caller), and how to get in to set them.
 *
 * @param sealedPassword    the superuser password its data was sealed with (a revision's bootstrap
 *                          secret, a fork source's own), tried first over TCP; null when the data
 *                          was sealed without one
 * @param superuserPassword the instance's own superuser password once the statements ran
 * @param statements        what sets the passwords, first statement {@code SET search_path}
 * @param setup             what makes the roles the statements need on data that predates them,
 *                          run after the first statement when the plain statements fail or there is
 *                          no sealed password
 * @param legacyPassword    the template-wide superuser password of data from before per-branch
 *                          secrets: the last way in
 */
public record Credentials(String sealedPassword, String superuserPassword, List<String> statements,
        List<String> setup, String legacyPassword) {

    public Credentials {
        statements = List.copyOf(statements);
        setup = List.copyOf(setup);
    }

    /** The statements with the roles' setup after the first one. */
    List<String> withSetup() {
        List<String> sql = new ArrayList<>();
        sql.add(statements.getFirst());
        sql.addAll(setup);
        sql.addAll(statements.subList(1, statements.size()));
        return sql;
    }

    @Override
    public String toString() {
        return "Credentials[***]";
    }
}
