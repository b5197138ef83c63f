package dev.kapsel.image.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code WWW-Authenticate} challenge (RFC 7235) as registries send it: {@code Basic realm="..."} or
 * {@code Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"}
 * (registry token-auth spec). Only the first challenge of the header is read.
 */
record AuthChallenge(String scheme, Map<String, String> parameters) {
    AuthChallenge {
        parameters = Map.copyOf(parameters);
    }

    boolean bearer() {
        return scheme.equals("bearer");
    }

    String parameter(String name) {
        return parameters.get(name);
    }

    /** Parses the header value; null when it holds no challenge kapsel understands (Basic or Bearer). */
    static AuthChallenge parse(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        int space = h.indexOf(' ');
        String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
        if (!scheme.equals("basic") && !scheme.equals("bearer")) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? h.length() : space + 1;
        while (i < h.length()) {
            while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
                i++;
            }
            int eq = h.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = h.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            if (key.contains(" ")) {
                break; // a second challenge begins: kapsel reads the first only
            }
            StringBuilder value = new StringBuilder();
            i = eq + 1;
            if (i < h.length() && h.charAt(i) == '"') {
                for (i++; i < h.length() && h.charAt(i) != '"'; i++) {
                    if (h.charAt(i) == '\\' && i + 1 < h.length()) {
                        i++;
                    }
                    value.append(h.charAt(i));
                }
                i++;
            } else {
                for (; i < h.length() && h.charAt(i) != ','; i++) {
                    value.append(h.charAt(i));
                }
            }
            params.put(key, value.toString().strip());
        }
        return new AuthChallenge(scheme, params);
    }
}
