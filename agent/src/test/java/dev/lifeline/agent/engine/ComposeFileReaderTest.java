package dev.lifeline.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeline.core.engine.ComposeFiles;
import dev.lifeline.core.engine.ComposeProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeFileReaderTest {
    @TempDir
    Path dir;

    private final ComposeFileReader reader = new ComposeFileReader();

    private ComposeFiles.Result read(String... files) {
        return reader.dependsOn(new ComposeProject("p", dir.toString(), List.of(files)));
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    @Test
    void listForm() throws IOException {
        write("compose.yml", """
                services:
                  db:
                    image: busybox
                  cache: {}
                  app:
                    image: busybox
                    depends_on: [db, cache]
                """);
        assertThat(read("compose.yml")).isEqualTo(new ComposeFiles.Found(
                Map.of("app", Set.of("db", "cache"), "db", Set.of(), "cache", Set.of())));
    }

    @Test
    void mapFormWithConditions() throws IOException {
        write("compose.yml", """
                services:
                  db: {image: busybox}
                  app:
                    depends_on:
                      db:
                        condition: service_healthy
                      migrate:
                        condition: service_completed_successfully
                """);
        assertThat(read("compose.yml")).isEqualTo(new ComposeFiles.Found(
                Map.of("app", Set.of("db", "migrate"), "db", Set.of())));
    }

    @Test
    void mergesAcrossFilesRelativeToWorkingDirAndSplitsTheLabel() throws IOException {
        write("base.yml", """
                services:
                  app:
                    depends_on: [db]
                  db: {}
                """);
        Files.createDirectories(dir.resolve("env"));
        write("env/override.yml", """
                services:
                  app:
                    depends_on:
                      cache: {condition: service_started}
                  worker:
                    depends_on: [app]
                """);
        ComposeFiles.Result result = read(dir.resolve("base.yml").toString(), "env/override.yml");
        assertThat(result).isEqualTo(new ComposeFiles.Found(
                Map.of("app", Set.of("db", "cache"), "db", Set.of(), "worker", Set.of("app"))));
        // the label form: one comma-separated value
        assertThat(read("base.yml,env/override.yml")).isEqualTo(result);
        assertThat(ComposeFileReader.splitConfigFiles("/a/x.yml, b.yml,")).containsExactly("/a/x.yml", "b.yml");
    }

    @Test
    void missingFileIsUnreadableNotAnException() {
        assertThat(read("gone.yml")).isEqualTo(new ComposeFiles.Unreadable(dir.resolve("gone.yml").toString(), "no such file"));
    }

    @Test
    void malformedYamlIsUnreadableWithTheReason() throws IOException {
        write("bad.yml", "services:\n  app:\n    depends_on: [db\n  db: {\n");
        assertThat(read("bad.yml")).isInstanceOfSatisfying(ComposeFiles.Unreadable.class, u -> {
            assertThat(u.file()).isEqualTo(dir.resolve("bad.yml").toString());
            assertThat(u.reason()).startsWith("malformed YAML").contains("line");
        });
    }

    @Test
    void wrongShapesAreUnreadable() throws IOException {
        write("scalar.yml", "just a string\n");
        write("dep.yml", "services:\n  app:\n    depends_on: db\n");
        Files.createDirectories(dir.resolve("dir.yml"));
        assertThat(read("scalar.yml")).isInstanceOf(ComposeFiles.Unreadable.class);
        assertThat(read("dep.yml")).isInstanceOfSatisfying(ComposeFiles.Unreadable.class,
                u -> assertThat(u.reason()).contains("services.app.depends_on"));
        assertThat(read("dir.yml")).isInstanceOfSatisfying(ComposeFiles.Unreadable.class,
                u -> assertThat(u.reason()).isEqualTo("not a regular file"));
    }

    @Test
    void emptyFileAndNoFilesHaveNoDependencies() throws IOException {
        write("empty.yml", "");
        assertThat(read("empty.yml")).isEqualTo(new ComposeFiles.Found(Map.of()));
        assertThat(read()).isEqualTo(new ComposeFiles.Found(Map.of()));
    }

    @Test
    void cacheIsKeyedOnMtimeAndSize() throws IOException {
        Path file = write("compose.yml", "services:\n  app:\n    depends_on: [db]\n");
        FileTime mtime = Files.getLastModifiedTime(file);
        assertThat(read("compose.yml")).isEqualTo(new ComposeFiles.Found(Map.of("app", Set.of("db"))));

        // same size and mtime: the cached parse is used
        Files.writeString(file, "services:\n  app:\n    depends_on: [xy]\n");
        Files.setLastModifiedTime(file, mtime);
        assertThat(read("compose.yml")).isEqualTo(new ComposeFiles.Found(Map.of("app", Set.of("db"))));

        // a real change is seen
        Files.setLastModifiedTime(file, FileTime.fromMillis(mtime.toMillis() + 2000));
        assertThat(read("compose.yml")).isEqualTo(new ComposeFiles.Found(Map.of("app", Set.of("xy"))));
    }
}
