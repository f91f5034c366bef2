package dev.lifeline.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeline.cli.fleet.ControlClient;
import dev.lifeline.cli.fleet.ControlRefused;
import dev.lifeline.control.auth.TokenFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "join-token", description = {"Mint a join token: it registers one agent into a team, once.",
        "Then on the new host: lifeline agent --control-plane URL --join-token FILE"})
final class JoinTokenCommand implements Callable<Integer> {
    @Mixin
    ControlPlaneOptions controlPlane;

    @Option(names = "--team", paramLabel = "TEAM", defaultValue = "default", description = "The team (default: default).")
    String team;

    @Option(names = "--name", paramLabel = "NAME", description = "What the token is for, for the token list.")
    String name;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Write the token to FILE (0600) instead of printing it.")
    Path output;

    @Option(names = "--json", description = "Print the token and its record as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        ControlClient client = controlPlane.client();
        ObjectNode body = client.json().createObjectNode();
        if (name != null) {
            body.put("name", name);
        }
        ControlClient.Reply reply = client.post("v1/teams/" + team + "/join-tokens", body);
        if (!reply.ok()) {
            ControlRefused refused = new ControlRefused(reply);
            System.err.println("lifeline: " + refused.getMessage());
            return refused.badUsage() ? Main.USAGE : Main.FAILED;
        }
        String token = reply.body().get("token").asText();
        if (output != null) {
            TokenFiles.write(output, token);
            System.err.println("lifeline: join token for team " + team + " written to " + output);
        }
        if (json) {
            System.out.println(reply.body().toPrettyString());
        } else if (output == null) {
            System.out.println(token);
        }
        return Main.OK;
    }
}
