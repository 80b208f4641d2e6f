package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandTreeTest {
    @Test
    void fullTreeHasEveryCommandInHelpOrder() {
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactly(
                "download", "seed", "stream", "verify", "info", "create", "generate-completion", "tracker", "dht");
    }

    @Test
    void oneCommandTreeBuildsOnlyThatCommand() {
        var cmd = Main.commandLine("info");
        assertThat(cmd.getSubcommands().keySet()).containsExactly("info");
        // the exit-code footer and inherited -v/-q still reach it
        assertThat(cmd.getSubcommands().get("info").getCommandSpec().usageMessage().footer()).isNotEmpty();
        assertThat(cmd.getSubcommands().get("info").getCommandSpec().findOption("--verbose")).isNotNull();
    }

    @Test
    void defaultCommandIsFoundWithoutATree() {
        assertThat(Main.withDefaultCommand(new String[] {"-v", "x.torrent"}))
                .containsExactly("download", "-v", "x.torrent");
        assertThat(Main.withDefaultCommand(new String[] {"seed", "x.torrent"})).containsExactly("seed", "x.torrent");
    }

    @Test
    void helpShowsEveryProgressDefaultAsItIsTyped() {
        for (String command : new String[] {"download", "seed", "stream", "verify", "create"}) {
            String help = Main.commandLine(command).getSubcommands().get(command).getUsageMessage(
                    picocli.CommandLine.Help.Ansi.OFF);
            assertThat(help).as(command).contains("(default: auto").doesNotContain("AUTO");
        }
    }
}
