package dev.kapsel.image.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP proxies from the environment as Go's {@code http.ProxyFromEnvironment} reads them (so as
 * Docker, Podman and skopeo do): {@code HTTPS_PROXY} for https, {@code HTTP_PROXY} for http (lower
 * case wins), {@code NO_PROXY} a comma list of domains (with their subdomains), {@code .domain} (subdomains only), {@code host:port} or
 * {@code *}; loopback hosts never go through a proxy. RegistryCredentials in a proxy URL are not supported.
 */
final class EnvironmentProxy extends ProxySelector {
    private final InetSocketAddress http;
    private final InetSocketAddress https;
    private final List<String> noProxy;

    private EnvironmentProxy(InetSocketAddress http, InetSocketAddress https, List<String> noProxy) {
        this.http = http;
        this.https = https;
        this.noProxy = noProxy;
    }

    static EnvironmentProxy from(Map<String, String> env) {
        List<String> none = new ArrayList<>();
        for (String entry : variable(env, "no_proxy").split(",")) {
            if (!entry.isBlank()) {
                none.add(entry.strip().toLowerCase(Locale.ROOT));
            }
        }
        return new EnvironmentProxy(address(variable(env, "http_proxy")), address(variable(env, "https_proxy")), none);
    }

    private static String variable(Map<String, String> env, String lower) {
        String v = env.get(lower);
        if (v == null || v.isEmpty()) {
            v = env.get(lower.toUpperCase(Locale.ROOT));
        }
        return v == null ? "" : v;
    }

    private static InetSocketAddress address(String url) {
        if (url.isBlank()) {
            return null;
        }
        URI u = URI.create(url.contains("://") ? url : "http://" + url);
        if (u.getHost() == null) {
            throw new IllegalArgumentException("proxy URL without a host: " + url);
        }
        int port = u.getPort() > 0 ? u.getPort() : u.getScheme().equals("https") ? 443 : 80;
        return InetSocketAddress.createUnresolved(u.getHost(), port);
    }

    @Override
    public List<Proxy> select(URI uri) {
        InetSocketAddress proxy = "https".equals(uri.getScheme()) ? https : http;
        if (proxy == null || bypass(uri)) {
            return List.of(Proxy.NO_PROXY);
        }
        return List.of(new Proxy(Proxy.Type.HTTP, proxy));
    }

    boolean bypass(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equals("localhost") || host.startsWith("127.") || host.equals("::1")) {
            return true;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String entryHost = entry;
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon) {
                if (!entry.substring(colon + 1).equals(String.valueOf(port))) {
                    continue;
                }
                entryHost = entry.substring(0, colon);
            }
            // "a.b" matches a.b and its subdomains, ".a.b" only the subdomains (as Go reads it).
            boolean subdomainsOnly = entryHost.startsWith(".");
            if (!subdomainsOnly && host.equals(entryHost) || host.endsWith(subdomainsOnly ? entryHost : "." + entryHost)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
}
