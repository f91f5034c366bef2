package dev.lifeline.cli;

import picocli.CommandLine.Command;

@Command(name = "stop", description = "Stop a stack and remember it: it stays down across crashes and reboots until started.")
final class StopCommand extends StackAction {
    @Override
    String action() {
        return "stop";
    }
}
