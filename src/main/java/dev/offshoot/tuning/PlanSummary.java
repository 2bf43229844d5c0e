package dev.offshoot.tuning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * What a model needs to read of a plan (PostgreSQL's {@code EXPLAIN (FORMAT JSON)}): the node
 * types, estimated against actual rows, the costliest nodes (by their own time when the statement
 * ran, by their own cost otherwise), a few notes on what commonly helps, and the plan's shape, by
 * which two plans are told apart.
 *
 * @param nodeTypes     node types in plan order, each once
 * @param totalCost     the planner's cost of the whole plan
 * @param estimatedRows rows the planner expected the statement to return
 * @param actualRows    rows it returned (only when it ran)
 * @param planningMs    planning time (only when it ran)
 * @param executionMs   execution time (only when it ran)
 * @param costliest     at most three nodes, costliest first
 * @param notes         misestimates, filters that discard most rows, sorts that spilled to disk
 * @param shape         node types and the relations and indexes they read, as one line
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PlanSummary(List<String> nodeTypes, double totalCost, long estimatedRows, Long actualRows,
        Double planningMs, Double executionMs, List<Node> costliest, List<String> notes, String shape) {

    /** A misestimate is worth a note from this factor on, either way. */
    static final double MISESTIMATE = 10;

    /**
     * One node of a plan.
     *
     * @param node          e.g. "Seq Scan on rental", "Index Scan using rental_customer_idx on rental"
     * @param actualRows    rows over all loops (only when the statement ran)
     * @param ownMs         time in this node itself, children excluded, over all loops (when it ran)
     * @param ownCost       the planner's cost of this node itself, children excluded
     * @param share         ownMs (or ownCost) as a share of the whole, 0 to 1
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Node(String node, long estimatedRows, Long actualRows, Long loops, Double ownMs, double ownCost,
            double share) {
    }

    /** @param explain the JSON PostgreSQL answers: an array of one object with "Plan" */
    static PlanSummary of(JsonNode explain) {
        JsonNode top = explain.isArray() ? explain.get(0) : explain;
        JsonNode plan = top.get("Plan");
        List<Walked> nodes = new ArrayList<>();
        walk(plan, nodes);
        boolean ran = plan.has("Actual Total Time") || plan.has("Actual Rows");
        Set<String> types = new LinkedHashSet<>();
        nodes.forEach(n -> types.add(n.plan.path("Node Type").asString()));
        double whole = ran ? nodes.stream().mapToDouble(n -> n.ownMs).sum() : nodes.stream()
                .mapToDouble(n -> n.ownCost).sum();
        List<Node> costliest = nodes.stream()
                .sorted(Comparator.comparingDouble((Walked n) -> ran ? n.ownMs : n.ownCost).reversed()).limit(3)
                .map(n -> n.node(ran, whole)).toList();
        return new PlanSummary(List.copyOf(types), plan.path("Total Cost").asDouble(),
                plan.path("Plan Rows").asLong(), ran ? plan.path("Actual Rows").asLong()
                        * Math.max(1, plan.path("Actual Loops").asLong()) : null,
                ran ? top.path("Planning Time").asDouble() : null,
                ran ? top.path("Execution Time").asDouble() : null, costliest, notes(nodes, ran), shape(plan));
    }

    /** One line a person reads: the shape, rows and time. */
    String line() {
        return shape + " (est. " + estimatedRows + " rows" + (actualRows == null ? "" : ", actual " + actualRows)
                + (executionMs == null ? "" : String.format(Locale.ROOT, ", %.3f ms", planningMs + executionMs)) + ")";
    }

    /** The node types and what they read, nested: two plans with the same shape did the same. */
    static String shape(JsonNode plan) {
        StringBuilder out = new StringBuilder(describe(plan));
        JsonNode children = plan.path("Plans");
        if (children.isArray() && !children.isEmpty()) {
            out.append('(');
            for (int i = 0; i < children.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(shape(children.get(i)));
            }
            out.append(')');
        }
        return out.toString();
    }

    /** "Seq Scan on rental", "Index Only Scan using idx on rental", "Hash Join". */
    static String describe(JsonNode plan) {
        StringBuilder out = new StringBuilder(plan.path("Node Type").asString());
        if (plan.has("Index Name")) {
            out.append(" using ").append(plan.get("Index Name").asString());
        }
        if (plan.has("Relation Name")) {
            out.append(" on ").append(plan.get("Relation Name").asString());
        }
        return out.toString();
    }

    private static List<String> notes(List<Walked> nodes, boolean ran) {
        List<String> notes = new ArrayList<>();
        for (Walked n : nodes) {
            String node = describe(n.plan);
            long removed = n.plan.path("Rows Removed by Filter").asLong();
            long rows = ran ? n.actualRows() : n.plan.path("Plan Rows").asLong();
            if (ran && n.plan.path("Node Type").asString().equals("Seq Scan") && removed > 10 * Math.max(1, rows)) {
                notes.add(node + " discards " + removed + " rows by its filter (" + n.plan.path("Filter").asString()
                        + ") to return " + rows + ": an index on the filter's columns may help");
            }
            long estimated = n.plan.path("Plan Rows").asLong() * Math.max(1, ran ? n.loops() : 1);
            // scans and joins are where statistics decide; an aggregate's group count is a guess anyway
            boolean statistical = n.plan.has("Relation Name") || n.plan.has("Join Type");
            if (ran && statistical && misestimated(estimated, rows)) {
                notes.add(node + " was estimated at " + estimated + " rows and returned " + rows
                        + ": its statistics may be stale (ANALYZE the table) or need extended statistics");
            }
            if (n.plan.path("Sort Space Type").asString().equals("Disk")) {
                notes.add(node + " spilled " + n.plan.path("Sort Space Used").asLong() + " kB to disk: more"
                        + " work_mem may help");
            }
        }
        return notes;
    }

    static boolean misestimated(long estimated, long actual) {
        double e = Math.max(1, estimated);
        double a = Math.max(1, actual);
        return a / e >= MISESTIMATE || e / a >= MISESTIMATE;
    }

    private static void walk(JsonNode plan, List<Walked> out) {
        JsonNode children = plan.path("Plans");
        double childMs = 0;
        double childCost = 0;
        List<Walked> below = new ArrayList<>();
        if (children.isArray()) {
            for (JsonNode child : children) {
                childMs += totalMs(child);
                childCost += child.path("Total Cost").asDouble();
                walk(child, below);
            }
        }
        out.add(new Walked(plan, Math.max(0, totalMs(plan) - childMs),
                Math.max(0, plan.path("Total Cost").asDouble() - childCost)));
        out.addAll(below);
    }

    /** A node's time over all its loops. */
    private static double totalMs(JsonNode plan) {
        return plan.path("Actual Total Time").asDouble() * Math.max(1, plan.path("Actual Loops").asLong());
    }

    private record Walked(JsonNode plan, double ownMs, double ownCost) {

        long loops() {
            return Math.max(1, plan.path("Actual Loops").asLong());
        }

        long actualRows() {
            return plan.path("Actual Rows").asLong() * loops();
        }

        Node node(boolean ran, double whole) {
            double own = ran ? ownMs : ownCost;
            return new Node(describe(plan), plan.path("Plan Rows").asLong(), ran ? actualRows() : null,
                    ran ? loops() : null, ran ? round(ownMs) : null, round(ownCost),
                    whole <= 0 ? 0 : round(own / whole));
        }
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
