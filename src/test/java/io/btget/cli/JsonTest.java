package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.quote("a\"b\\c\n\t\u0001é")).isEqualTo("\"a\\\"b\\\\c\\n\\t\\u0001é\"");
    }

    @Test
    void writesNestedValuesInMapOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1L);
        m.put("a", Arrays.asList("x", null, true));
        m.put("m", Map.of("k", List.of()));
        m.put("d", Double.NaN);
        assertThat(Json.object(m)).isEqualTo("{\"z\":1,\"a\":[\"x\",null,true],\"m\":{\"k\":[]},\"d\":null}");
    }
}
