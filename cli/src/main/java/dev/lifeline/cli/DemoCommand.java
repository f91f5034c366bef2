package dev.lifeline.cli;

import dev.lifeline.cli.demo.Demo;
import dev.lifeline.cli.demo.HostSetup;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", description = "See Lifeline bring a host back: demo stacks on a private Podman engine, a "
        + "simulated host crash, and the recovery as a timeline. Touches nothing else on this host.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        if (!HostSetup.ensure(System.out, System.err)) {
            return Main.USAGE;
        }
        return new Demo(System.out).run() ? Main.OK : Main.FAILED;
    }
}
