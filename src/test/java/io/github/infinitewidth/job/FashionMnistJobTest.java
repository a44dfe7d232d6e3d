package io.github.infinitewidth.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.infinitewidth.data.TinyFashionMnist;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job with {@code data.fashionMnist}: its resolved form names the selection and repeats the run. */
class FashionMnistJobTest {
    @TempDir
    Path dir;

    private Job read() throws IOException {
        TinyFashionMnist.write(dir.resolve("images"), true);
        Path file = Files.writeString(dir.resolve("job.yaml"), """
                engine: nt-limit
                optimizer: {learningRate: 0.1}
                data:
                  fashionMnist: {classes: [sandal, 9], trainSize: 5, testSize: 2, directory: images}
                """);
        return JobFile.read(file);
    }

    @Test
    void theResolvedJobNamesTheSelectionWithEveryDefault() throws IOException {
        JsonNode data = read().resolvedTree().get("data");

        assertEquals("{\"fashionMnist\":{\"classes\":[\"sandal\",\"ankle-boot\"],\"targets\":[1.0,-1.0],\"trainSize\":5,"
                + "\"testSize\":2,\"seed\":1,\"standardize\":\"global\",\"directory\":\"" + dir.resolve("images") + "\"}}",
                data.toString());
    }

    @Test
    void theResolvedJobReadBackGivesTheSameDataAndIdentity() throws IOException {
        Job job = read();
        // as summary.json holds it: written as JSON text and parsed again (numbers change node types)
        ObjectNode readBack = (ObjectNode) new ObjectMapper().readTree(job.resolvedTree().toString());

        Job again = JobFile.read(readBack, null);

        assertArrayEquals(job.experiment().data().allInputs(), again.experiment().data().allInputs());
        assertArrayEquals(job.experiment().data().allTargets(), again.experiment().data().allTargets());
        assertNull(JobIdentity.difference(JobIdentity.of(readBack), JobIdentity.of(job)));
    }
}
