package dev.kapsel.cli;

import dev.kapsel.image.registry.RegistryCredentials;
import dev.kapsel.image.registry.Login;
import dev.kapsel.image.registry.RegistryOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel login [-u USER] [--password-stdin] REGISTRY}: checks and stores registry credentials. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Log in to a registry: the credentials are checked against it, then kept in the containers auth file"
            + " ($REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json), where podman and skopeo find them too.",
            "The password is read from stdin with --password-stdin, else asked for on the terminal; it is never printed."},
        footer = {"", "Example:", "  printf %s \"$TOKEN\" | kapsel login -u ci --password-stdin registry.lan:5000"})
final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "User name (asked for on the terminal when absent).")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from stdin (one line, or all of stdin).")
    boolean passwordStdin;

    @Option(names = "--tls-verify", arity = "1", paramLabel = "BOOL", description = "Require https with a verified certificate (default true).")
    boolean tlsVerify = true;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "host[:port], or docker.io")
    String registry;

    @Override
    public Integer call() throws Exception {
        String name = Login.registryName(registry);
        java.io.Console console = System.console();
        if (user == null) {
            if (console == null || passwordStdin) {
                throw new ParameterException(spec.commandLine(), "no user name: give -u USER");
            }
            user = console.readLine("Username: ");
        }
        String password;
        if (passwordStdin) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            password = in.readLine();
        } else if (console != null) {
            char[] typed = console.readPassword("Password: ");
            password = typed == null ? null : new String(typed);
        } else {
            throw new ParameterException(spec.commandLine(), "no terminal to ask for the password: use --password-stdin");
        }
        if (password == null || password.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "empty password");
        }
        RegistryCredentials credentials;
        try {
            credentials = new RegistryCredentials(user, password);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        RegistryOptions options = RegistryAccess.options(tlsVerify);
        Login.login(name, credentials, options);
        spec.commandLine().getOut().printf("Login succeeded: %s as %s (saved in %s)%n", name, user, options.auth().containersFile());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
