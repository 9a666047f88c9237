package fr.sesame.gateway.http.problem;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.problem.ProblemDescriptions;
import fr.sesame.gateway.problem.ProblemType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/**
 * The problem type pages: well-formed (written as polyglot HTML, so an XML parser reads them), French first with
 * the English text in a {@code <section lang="en">}, one {@code h1}, headings in order, nothing that loads or
 * runs anything, and every text escaped.
 */
class ProblemPagesTest {
  private static final List<String> FORBIDDEN = List.of("script", "style", "link", "img", "iframe", "object",
      "embed", "form", "base", "frame", "svg", "math");

  @Test
  void everyPageIsAWellFormedAccessibleDocument() throws Exception {
    ProblemDescriptions descriptions = ProblemDescriptions.load();
    ProblemPages pages = new ProblemPages(descriptions);
    for (ProblemType type : ProblemType.values()) {
      byte[] html = pages.page(type.kebabName()).orElseThrow();
      String text = new String(html, StandardCharsets.UTF_8);
      assertThat(text).as(type.kebabName()).startsWith("<!DOCTYPE html>\n");
      Document doc = parse(html);
      Element root = doc.getDocumentElement();
      assertThat(root.getTagName()).isEqualTo("html");
      assertThat(root.getAttribute("lang")).isEqualTo("fr");
      assertThat(single(doc, "title").getTextContent()).contains(descriptions.of(type).fr().title())
          .contains(Integer.toString(type.status()));
      assertThat(single(doc, "h1").getTextContent()).isEqualTo(descriptions.of(type).fr().title());
      Element en = single(doc, "section");
      assertThat(en.getAttribute("lang")).isEqualTo("en");
      assertThat(en.getElementsByTagName("h2").item(0).getTextContent()).isEqualTo(type.title());
      assertThat(en.getTextContent()).contains(descriptions.of(type).en().when())
          .contains(descriptions.of(type).en().action()).contains(type.uri());
      assertThat(root.getTextContent()).contains(descriptions.of(type).fr().when())
          .contains(descriptions.of(type).fr().action());
      assertThat(((Element) doc.getElementsByTagName("meta").item(0)).getAttribute("charset")).isEqualTo("utf-8");
      for (String tag : FORBIDDEN) {
        assertThat(doc.getElementsByTagName(tag).getLength()).as(type + ": <" + tag + ">").isZero();
      }
      assertNoInlineBehaviour(root);
      assertHeadingsInOrder(root);
    }
  }

  @Test
  void unknownNameHasNoPage() {
    ProblemPages pages = new ProblemPages(ProblemDescriptions.load());
    assertThat(pages.page("no-such-problem")).isEmpty();
    assertThat(pages.page("")).isEmpty();
    assertThat(pages.page("VALIDATION_FAILED")).isEmpty();
  }

  @Test
  void everyTextIsEscaped() throws Exception {
    String hostile = "<script>alert(1)</script> & \"quoted\" 'single' `tick` a=b <img src=x onerror=alert(1)>";
    ProblemDescriptions.Text fr = new ProblemDescriptions.Text(hostile, hostile, hostile);
    ProblemDescriptions.Text en = new ProblemDescriptions.Text(null, hostile, hostile);
    ProblemPages pages = new ProblemPages(type -> new ProblemDescriptions.Description(fr, en));
    byte[] html = pages.page("internal").orElseThrow();
    String text = new String(html, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("<script").doesNotContain("<img").contains("&lt;script&gt;");
    Document doc = parse(html);
    assertThat(doc.getElementsByTagName("script").getLength()).isZero();
    assertThat(single(doc, "h1").getTextContent()).isEqualTo(hostile);
  }

  private static Document parse(byte[] html) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setExpandEntityReferences(false);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(html));
  }

  private static Element single(Document doc, String tag) {
    NodeList all = doc.getElementsByTagName(tag);
    assertThat(all.getLength()).as("<" + tag + ">").isEqualTo(1);
    return (Element) all.item(0);
  }

  /** No event-handler attribute, no inline style, nothing fetched from elsewhere. */
  private static void assertNoInlineBehaviour(Element e) {
    NamedNodeMap attributes = e.getAttributes();
    for (int i = 0; i < attributes.getLength(); i++) {
      String name = attributes.item(i).getNodeName().toLowerCase(java.util.Locale.ROOT);
      assertThat(name).as("attribute of <" + e.getTagName() + ">").doesNotStartWith("on")
          .isNotEqualTo("style").isNotEqualTo("src").isNotEqualTo("href");
    }
    NodeList children = e.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element child) {
        assertNoInlineBehaviour(child);
      }
    }
  }

  /** Headings in document order never skip a level (h1, then h2, h3 under it...). */
  private static void assertHeadingsInOrder(Element root) {
    List<Integer> levels = new ArrayList<>();
    collectHeadings(root, levels);
    assertThat(levels.get(0)).isEqualTo(1);
    for (int i = 1; i < levels.size(); i++) {
      assertThat(levels.get(i)).as("heading levels " + levels).isLessThanOrEqualTo(levels.get(i - 1) + 1);
    }
  }

  private static void collectHeadings(Element e, List<Integer> levels) {
    if (e.getTagName().matches("h[1-6]")) {
      levels.add(e.getTagName().charAt(1) - '0');
    }
    NodeList children = e.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element child) {
        collectHeadings(child, levels);
      }
    }
  }
}
