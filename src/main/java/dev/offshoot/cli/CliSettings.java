package dev.offshoot.cli;

import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The service URL and token a command calls with: from a context of the config file
 * ({@link CliConfig}) or the environment.
 */
record CliSettings(String url, String token) {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String toString() {
        // records print their components; the token must never reach a log or an error
        return "CliSettings[url=" + url + "]";
    }

    /**
     * The settings to call the service with; a usage failure when no URL or token is known. An
     * explicit {@code --context} wins over the environment; otherwise {@code OFFSHOOT_URL} and
     * {@code OFFSHOOT_TOKEN} win over the context they leave the file to fill in.
     */
    static CliSettings resolve(Map<String, String> env, String contextOption) {
        String url = blank(contextOption) ? env.get("OFFSHOOT_URL") : null;
        String token = blank(contextOption) ? env.get("OFFSHOOT_TOKEN") : null;
        if (blank(url) || blank(token)) {
            CliConfig config = CliConfig.read(CliConfig.file(env));
            String name = firstNonBlank(contextOption, firstNonBlank(env.get("OFFSHOOT_CONTEXT"), config.current()));
            if (name != null) {
                config.requireKnown(name);
                CliConfig.Context context = config.contexts().get(name);
                url = firstNonBlank(url, context.url());
                token = firstNonBlank(token, context.token());
            }
        }
        if (blank(url) || blank(token)) {
            throw CliFailure.usage("not logged in: run 'offshoot login --url URL' or set OFFSHOOT_URL and OFFSHOOT_TOKEN");
        }
        return new CliSettings(stripSlash(url), token);
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static String firstNonBlank(String a, String b) {
        return !blank(a) ? a : (!blank(b) ? b : null);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
