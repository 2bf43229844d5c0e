package dev.offshoot.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which branch a connection names, from its TLS server name ({@code <branch>.<domain>}) or its
 * {@code options} parameter ({@code endpoint=<branch>}, Neon's convention); the password form is
 * the router's, since it needs another round trip. The {@code endpoint=} switch is taken out of the
 * options the branch gets: Postgres reads options as command-line switches and refuses unknown ones.
 */
final class EndpointName {

    static final String OPTION = "endpoint=";

    /** What the startup named: a branch (or none), and the parameters to forward. */
    record Named(String name, Map<String, String> forwarded) {
    }

    private EndpointName() {
    }

    /**
     * @param serverName the SNI host name, lower case, or null
     * @param domain     offshoot.gateway.domain without dots around it; empty turns SNI routing off
     * @throws Refusal when the server name and the options name different branches
     */
    static Named resolve(String serverName, String domain, Map<String, String> parameters) {
        String bySni = fromServerName(serverName, domain);
        Map<String, String> forwarded = new LinkedHashMap<>(parameters);
        String byOption = null;
        String options = parameters.get("options");
        if (options != null) {
            List<String> kept = new ArrayList<>();
            for (String token : tokens(options)) {
                if (token.startsWith(OPTION) && byOption == null) {
                    byOption = token.substring(OPTION.length());
                } else if (token.startsWith(OPTION)) {
                    throw new Refusal(Protocol.CONNECTION_REJECTED, "options name more than one endpoint");
                } else {
                    kept.add(token);
                }
            }
            if (kept.isEmpty()) {
                forwarded.remove("options");
            } else {
                forwarded.put("options", String.join(" ", kept));
            }
        }
        if (bySni != null && byOption != null && !bySni.equals(byOption)) {
            throw new Refusal(Protocol.CONNECTION_REJECTED, "the TLS server name names branch \"" + bySni
                    + "\" but options name \"" + byOption + "\": name one branch");
        }
        return new Named(bySni != null ? bySni : byOption, forwarded);
    }

    /** The first label of {@code <branch>.<domain>}; null for any other server name. */
    static String fromServerName(String serverName, String domain) {
        if (serverName == null || domain.isEmpty() || !serverName.endsWith("." + domain)) {
            return null;
        }
        String label = serverName.substring(0, serverName.length() - domain.length() - 1);
        return label.isEmpty() || label.contains(".") ? null : label;
    }

    /**
     * The password form {@code endpoint=<branch>;<password>}: the branch and the real password, or
     * null when the password does not start so.
     */
    static String[] fromPassword(String password) {
        if (!password.startsWith(OPTION)) {
            return null;
        }
        int semicolon = password.indexOf(';');
        if (semicolon < 0) {
            return null;
        }
        return new String[] {password.substring(OPTION.length(), semicolon), password.substring(semicolon + 1)};
    }

    /**
     * The command-line switches of {@code options}, split at unescaped white space as the server
     * does; a backslash keeps the next character (and stays in the token, which is forwarded as is).
     */
    static List<String> tokens(String options) {
        List<String> out = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '\\' && i + 1 < options.length()) {
                token.append(c).append(options.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (!token.isEmpty()) {
                    out.add(token.toString());
                    token.setLength(0);
                }
            } else {
                token.append(c);
            }
        }
        if (!token.isEmpty()) {
            out.add(token.toString());
        }
        return out;
    }
}
