package dev.lifeline.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    private static List<String> argv(String value) {
        CommandLine.Result result = CommandLine.split(value);
        assertThat(result).isInstanceOf(CommandLine.Argv.class);
        return ((CommandLine.Argv) result).args();
    }

    private static String malformed(String value) {
        CommandLine.Result result = CommandLine.split(value);
        assertThat(result).isInstanceOf(CommandLine.Malformed.class);
        return ((CommandLine.Malformed) result).reason();
    }

    @Test
    void whitespaceSeparatesArguments() {
        assertThat(argv("  pg_dump\t-U  postgres  ")).containsExactly("pg_dump", "-U", "postgres");
    }

    @Test
    void singleQuotesKeepEverythingLiterally() {
        assertThat(argv("echo 'a  \"b\" \\n $HOME'")).containsExactly("echo", "a  \"b\" \\n $HOME");
    }

    @Test
    void doubleQuotesKeepTextAndUnescapeQuoteAndBackslash() {
        assertThat(argv("echo \"a 'b' \\\"c\\\" \\\\ \\n\"")).containsExactly("echo", "a 'b' \"c\" \\ \\n");
    }

    @Test
    void quotedPartsJoinAdjacentTextAndEmptyQuotesAreAnEmptyArgument() {
        assertThat(argv("cmd a\"b c\"d '' x")).containsExactly("cmd", "ab cd", "", "x");
    }

    @Test
    void aBackslashOutsideQuotesKeepsTheNextCharacter() {
        assertThat(argv("touch a\\ b \\|")).containsExactly("touch", "a b", "|");
    }

    @Test
    void quotedShellOperatorsAreOrdinaryArguments() {
        assertThat(argv("grep '|' file")).containsExactly("grep", "|", "file");
        assertThat(argv("echo a|b")).containsExactly("echo", "a|b");
    }

    @Test
    void malformedValuesSayWhy() {
        assertThat(malformed("echo 'open")).isEqualTo("single quote at position 6 is not closed");
        assertThat(malformed("echo \"open \\\"")).isEqualTo("double quote at position 6 is not closed");
        assertThat(malformed("echo \\")).isEqualTo("ends with a lone backslash");
        assertThat(malformed("   ")).isEqualTo("no command");
        assertThat(malformed("'' arg")).isEqualTo("the program name is empty");
        assertThat(malformed("dump > /backup/file")).contains("unquoted '>' needs a shell", "sh -c");
        assertThat(malformed("a ; b")).contains("';'");
        assertThat(malformed("a |")).contains("'|'");
    }
}
