package dev.kapsel.cli;

import dev.kapsel.image.registry.Login;
import dev.kapsel.image.registry.RegistryOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kapsel logout REGISTRY}: forgets the credentials 'kapsel login' stored. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Remove a registry's credentials from the containers auth file (~/.docker/config.json is left alone).")
final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REGISTRY")
    String registry;

    @Override
    public Integer call() throws Exception {
        String name = Login.registryName(registry);
        RegistryOptions options = RegistryAccess.options(true);
        if (!Login.logout(name, options)) {
            throw new CommandFailure(1, "not logged in to " + name + " (no entry in " + options.auth().containersFile() + ")", null);
        }
        spec.commandLine().getOut().printf("Removed login credentials for %s%n", name);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
