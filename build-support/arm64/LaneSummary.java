/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Sums surefire's XML reports into one line for a test lane, with the os.arch the forked JVM reported, and lists
 * the skipped and failed tests with their reasons. Run with the source launcher:
 * {@code java LaneSummary.java LANE SECONDS REPORT_DIR...}.
 */
public final class LaneSummary {

    private LaneSummary() {
    }

    /**
     * Prints the summary.
     *
     * @param args the lane name, the elapsed seconds, then surefire report folders
     * @throws Exception when a report cannot be read
     */
    public static void main(String[] args) throws Exception {
        int run = 0;
        int failed = 0;
        int errors = 0;
        int skipped = 0;
        TreeSet<String> arches = new TreeSet<>();
        TreeSet<String> vms = new TreeSet<>();
        List<String> details = new ArrayList<>();
        List<Path> reports = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            reports.addAll(reports(Path.of(args[i])));
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        for (Path report : reports) {
            Element suite = factory.newDocumentBuilder().parse(report.toFile()).getDocumentElement();
            run += Integer.parseInt(suite.getAttribute("tests"));
            failed += Integer.parseInt(suite.getAttribute("failures"));
            errors += Integer.parseInt(suite.getAttribute("errors"));
            skipped += Integer.parseInt(suite.getAttribute("skipped"));
            NodeList props = suite.getElementsByTagName("property");
            for (int i = 0; i < props.getLength(); i++) {
                Element p = (Element) props.item(i);
                switch (p.getAttribute("name")) {
                    case "os.arch" -> arches.add(p.getAttribute("value"));
                    case "java.vm.version" -> vms.add(p.getAttribute("value"));
                    default -> { }
                }
            }
            NodeList cases = suite.getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element c = (Element) cases.item(i);
                for (String kind : new String[] {"skipped", "failure", "error"}) {
                    NodeList hits = c.getElementsByTagName(kind);
                    if (hits.getLength() > 0) {
                        Element hit = (Element) hits.item(0);
                        String message = hit.getAttribute("message");
                        if (message.isEmpty()) {   // surefire keeps assumption messages in the text only
                            message = hit.getTextContent().strip().replaceFirst(
                                    "^org\\.opentest4j\\.TestAbortedException: (Assumption failed: )?", "");
                        }
                        details.add(String.format("  %-7s %s.%s: %s", kind, simpleName(c.getAttribute("classname")),
                                c.getAttribute("name"), firstLine(message)));
                    }
                }
            }
        }
        if (reports.isEmpty()) {
            System.out.println("  no surefire reports: the build stopped before the tests ran (see the Maven log)");
        }
        details.forEach(System.out::println);
        System.out.printf("%s lane: os.arch=%s (JVM %s): tests run %d, failed %d, errors %d, skipped %d, %s s%n",
                args[0], arches.isEmpty() ? "?" : String.join(",", arches), String.join(",", vms), run, failed,
                errors, skipped, args[1]);
    }

    private static List<Path> reports(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
        }
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
