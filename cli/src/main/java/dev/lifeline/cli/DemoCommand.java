package dev.lifeline.cli;

import dev.lifeline.cli.demo.Demo;
import dev.lifeline.cli.demo.HostSetup;
import dev.lifeline.core.engine.EngineKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "See Lifeline work: demo stacks on a private engine of its own, a "
        + "simulated host crash and the recovery as a timeline, a PostgreSQL backup with early resume and a verified "
        + "restore, then a fleet: a control plane and two hosts, one of which goes silent and comes back. Touches "
        + "nothing else on this host.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--engine", paramLabel = "podman|docker", defaultValue = "podman",
            description = "The engine to run it on: a private Podman API service (default) or a private Docker "
                    + "daemon (dockerd with its own data root and socket).")
    EngineKind engine;

    @Option(names = "--keep-fleet", description = "At the end, keep the demo's control plane and its dashboard "
            + "running until you press Enter.")
    boolean keepFleet;

    @Override
    public Integer call() throws Exception {
        if (!HostSetup.ensure(System.out, System.err)) {
            return Main.USAGE;
        }
        return new Demo(System.out, engine, keepFleet).run() ? Main.OK : Main.FAILED;
    }
}
