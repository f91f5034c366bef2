package dev.lifeline.cli;

import picocli.CommandLine.Command;

@Command(name = "start", description = "Start a stack (in dependency order, health-gated) and set its intent to running.")
final class StartCommand extends StackAction {
    @Override
    String action() {
        return "start";
    }
}
