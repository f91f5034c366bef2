package dev.lifeline.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"lifeline " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
