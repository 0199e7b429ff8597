package io.distillery.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The web page puts server data (model, class and engine names, error details) into the document
 * only as text: its source uses none of the DOM sinks that parse a string as HTML, so a class name
 * such as {@code <img src=x onerror=alert(1)>} cannot become markup. {@link XssWebPageTest} shows
 * the same in a real browser.
 */
class WebPageSourceTest {

  /** Sinks that parse their argument as HTML or script. */
  private static final Pattern HTML_SINKS =
      Pattern.compile(
          "\\.innerHTML\\b|\\.outerHTML\\b|insertAdjacentHTML|document\\.write|"
              + "createContextualFragment|\\bsrcdoc\\b|\\beval\\s*\\(|new\\s+Function\\s*\\(");

  @Test
  void pageSourceAssignsNoStringAsHtml() throws IOException {
    String page = page();
    assertThat(page).contains("<script>").contains("textContent");

    List<String> sinks = new ArrayList<>();
    String[] lines = page.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher m = HTML_SINKS.matcher(lines[i]);
      if (m.find()) {
        sinks.add("line " + (i + 1) + ": " + lines[i].trim());
      }
    }
    assertThat(sinks).as("HTML sinks in index.html").isEmpty();
  }

  @Test
  void theSinkCheckFindsTheFormerTableCode() {
    // The check itself catches the kind of line the page used to have.
    String former = "tr.innerHTML = `<td><span class=\"swatch\"></span>${l.name}</td>`;";
    assertThat(HTML_SINKS.matcher(former).find()).isTrue();
    assertThat(HTML_SINKS.matcher("c.textContent = text;").find()).isFalse();
  }

  private static String page() throws IOException {
    try (InputStream in =
        WebPageSourceTest.class.getResourceAsStream("/META-INF/resources/index.html")) {
      assertThat(in).as("index.html on the class path").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
