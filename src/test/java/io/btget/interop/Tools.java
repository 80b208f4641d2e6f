package io.btget.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Skips a test only when a real client is truly not installed (CI installs them all). */
final class Tools {
    /** The system Python that has python3-libtorrent (not a pyenv python3 on PATH). */
    static final String SYSTEM_PYTHON = "/usr/bin/python3";

    private Tools() {
    }

    static void require(String program) {
        assumeTrue(onPath(program), program + " is not installed");
    }

    static void requireLibtorrent() {
        assumeTrue(Files.isExecutable(Path.of(SYSTEM_PYTHON)), SYSTEM_PYTHON + " is missing");
        try {
            Process p = new ProcessBuilder(SYSTEM_PYTHON, "-c", "import libtorrent").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assumeTrue(p.waitFor() == 0, "python3-libtorrent is not installed");
        } catch (Exception e) {
            assumeTrue(false, "python3-libtorrent check failed: " + e);
        }
    }

    static void requireJar() {
        if (!Files.isRegularFile(BtgetProcess.jar())) {
            throw new AssertionError("btget jar missing at " + BtgetProcess.jar() + ": run ./mvnw package first");
        }
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** The repository root: the parent of the testdata directory Failsafe names, else the working directory. */
    static Path repositoryRoot() {
        String testdata = System.getProperty("btget.testdata");
        return testdata != null ? Path.of(testdata).toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
    }
}
