package dev.kapsel.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one dispatch rule for words that mean two things, as a table: program, command line, dialect. */
class DialectTest {
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            kapsel      |                                                               | KAPSEL
            kapsel      | --help                                                        | KAPSEL
            kapsel      | --version                                                     | KAPSEL
            kapsel-runc | --version                                                     | RUNC
            kapsel-runc |                                                               | RUNC
            runc        | run myid                                                      | RUNC
            kapsel-runc | run myid                                                      | RUNC
            kapsel-runc | ps                                                            | RUNC
            kapsel      | run alpine echo hi                                            | KAPSEL
            kapsel      | run -d --name web alpine sleep 9                              | KAPSEL
            kapsel      | run -it alpine sh -c 'run --bundle x'                         | KAPSEL
            kapsel      | run --memory 64 alpine echo --bundle                          | KAPSEL
            kapsel      | run --bundle /b id                                            | RUNC
            kapsel      | run -b /b id                                                  | RUNC
            kapsel      | run --bundle=/b id                                            | RUNC
            kapsel      | run -b/b id                                                   | RUNC
            kapsel      | run --detach --pid-file /p --bundle /b id                     | RUNC
            kapsel      | run myid                                                      | KAPSEL
            kapsel      | ps                                                            | KAPSEL
            kapsel      | ps -a                                                         | KAPSEL
            kapsel      | ps -aq                                                        | KAPSEL
            kapsel      | ps myid                                                       | RUNC
            kapsel      | ps --format json myid                                         | RUNC
            kapsel      | ps -f json myid                                               | RUNC
            kapsel      | ps myid -ef                                                   | RUNC
            kapsel      | create --bundle /b --pid-file /p id                           | RUNC
            kapsel      | start id                                                      | RUNC
            kapsel      | state id                                                      | RUNC
            kapsel      | kill id 15                                                    | RUNC
            kapsel      | delete --force id                                             | RUNC
            kapsel      | exec --process /f --detach --pid-file /p id                   | RUNC
            kapsel      | list                                                          | RUNC
            kapsel      | spec --rootless                                               | RUNC
            kapsel      | features                                                      | RUNC
            kapsel      | pause id                                                      | RUNC
            kapsel      | resume id                                                     | RUNC
            kapsel      | --root /run/containerd/runc/default --log l --log-format json create --bundle b id | RUNC
            kapsel      | --root=/r run id                                              | RUNC
            kapsel      | --debug ps                                                    | RUNC
            kapsel      | --systemd-cgroup start id                                     | RUNC
            kapsel      | --log-format=json state id                                    | RUNC
            kapsel      | --criu /c list                                                | RUNC
            kapsel      | --rootless true list                                          | RUNC
            kapsel      | rm web                                                        | KAPSEL
            kapsel      | stop web                                                      | KAPSEL
            kapsel      | logs web                                                      | KAPSEL
            kapsel      | images                                                        | KAPSEL
            kapsel      | vm run --kernel k                                             | KAPSEL
            kapsel      | sandbox run --rootfs r /bin/true                              | KAPSEL
            kapsel      | frobnicate                                                    | KAPSEL
                        | state id                                                      | RUNC
                        | run alpine true                                               | KAPSEL
            """)
    void dispatch(String program, String commandLine, Dialect expected) {
        List<String> args = commandLine == null ? List.of() : Arrays.asList(commandLine.trim().split(" +"));
        assertEquals(expected, Dialect.of(program, args));
    }
}
