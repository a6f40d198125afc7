using System.Text.Json;
using MaskTrainer.Model;
using MaskTrainer.Data;

namespace MaskTrainer.Tests.Model;

public sealed class MetricsDocumentTests
{
    [Fact]
    public void ToJson_UsesTheDocumentedSchema()
    {
        var doc = MetricsDocument.From(BinaryMetrics(), [new SkippedItem("/d/x.jpg", "no face found")]);

        using var json = JsonDocument.Parse(doc.ToJson());
        var root = json.RootElement;

        root.EnumerateObject().Select(p => p.Name).Should().Equal(
            "labels", "count", "skipped", "accuracy", "macroAccuracy", "logLoss", "logLossReduction", "auc", "perClass", "confusionMatrix");
        root.GetProperty("labels").EnumerateArray().Select(e => e.GetString()).Should().Equal("with_mask", "without_mask");
        root.GetProperty("count").GetInt32().Should().Be(10);
        var skipped = root.GetProperty("skipped")[0];
        skipped.EnumerateObject().Select(p => p.Name).Should().Equal("path", "reason");
        skipped.GetProperty("reason").GetString().Should().Be("no face found");
        root.GetProperty("auc").ValueKind.Should().Be(JsonValueKind.Number);
        var perClass = root.GetProperty("perClass");
        perClass.EnumerateObject().Select(p => p.Name).Should().Equal("with_mask", "without_mask");
        perClass.GetProperty("with_mask").EnumerateObject().Select(p => p.Name).Should().Equal("precision", "recall", "f1", "support");
        perClass.GetProperty("without_mask").GetProperty("support").GetInt32().Should().Be(5);
        root.GetProperty("confusionMatrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray())
            .Should().BeEquivalentTo(new[] { new[] { 4, 1 }, new[] { 0, 5 } }, o => o.WithStrictOrdering());
        doc.ToJson().Should().Contain("\n  \"labels\"", "the file is indented for people to read");
    }

    [Fact]
    public void Json_RoundTripsEveryValue()
    {
        var doc = MetricsDocument.From(BinaryMetrics(), [new SkippedItem("a.jpg", "unreadable"), new SkippedItem("b.png", "no face found")]);

        var back = MetricsDocument.FromJson(doc.ToJson());

        back.Should().BeEquivalentTo(doc, o => o.WithStrictOrdering());
        back.ToJson().Should().Be(doc.ToJson());
    }

    [Fact]
    public void Json_AucIsNullForMoreThanTwoClasses()
    {
        var (truth, p) = MetricsTestData.FromConfusion([[2, 0, 0], [0, 2, 0], [1, 0, 1]]);
        var doc = MetricsDocument.From(ClassificationMetrics.Compute(["a", "b", "c"], truth, p), []);

        var json = doc.ToJson();

        json.Should().Contain("\"auc\": null");
        MetricsDocument.FromJson(json).Auc.Should().BeNull();
    }

    [Fact]
    public void FromJson_RejectsGarbage()
    {
        FluentActions.Invoking(() => MetricsDocument.FromJson("{ not json"))
            .Should().Throw<InvalidDataException>().WithMessage("not a valid metrics document:*");
        FluentActions.Invoking(() => MetricsDocument.FromJson("null"))
            .Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void MetricsPrinter_ListsOverallAndPerClassFigures()
    {
        var text = MetricsPrinter.Format(BinaryMetrics()).ReplaceLineEndings("\n");

        text.Should().StartWith(
            """
            Examples:            10
            Micro accuracy:      0.9000
            Macro accuracy:      0.9000

            """);
        text.Should().Contain("AUC (without_mask):  ");
        text.Should().Contain("Class         Precision   Recall       F1  Support\n");
        text.Should().Contain("with_mask        1.0000   0.8000   0.8889        5\n");
        text.Should().Contain("without_mask     0.8333   1.0000   0.9091        5\n");
        text.Should().Contain("Macro avg        0.9167   0.9000   0.8990       10\n");
    }

    [Fact]
    public void MetricsPrinter_shows_no_recall_for_a_class_without_examples_and_averages_over_the_others()
    {
        // An evaluation folder holding with_mask only: 9 called with_mask, 1 called without_mask.
        var (truth, p) = MetricsTestData.FromConfusion([[9, 1], [0, 0]]);
        var metrics = ClassificationMetrics.Compute(["with_mask", "without_mask"], truth, p);

        var text = MetricsPrinter.Format(metrics).ReplaceLineEndings("\n");

        text.Should().Contain("with_mask        1.0000   0.9000   0.9474       10\n");
        text.Should().Contain("without_mask     0.0000        -        -        0\n", "precision is 0 (one wrong call), recall is undefined");
        text.Should().Contain("Macro avg        1.0000   0.9000   0.9474       10\n");
        text.Should().Contain("No examples of without_mask: the averages are over with_mask alone");
        text.Should().NotContain("AUC (").And.NotContain("NaN").And.NotContain("Infinity");
    }

    [Fact]
    public void A_class_never_predicted_has_precision_and_F1_0_on_the_console_as_in_metrics_json_and_the_averages()
    {
        // Every image called with_mask: without_mask has examples but was never predicted.
        var (truth, p) = MetricsTestData.FromConfusion([[5, 0], [5, 0]]);
        var metrics = ClassificationMetrics.Compute(["with_mask", "without_mask"], truth, p);

        var text = MetricsPrinter.Format(metrics).ReplaceLineEndings("\n");
        var json = MetricsDocument.From(metrics, []);

        // ML.NET's confusion table prints 0 for its precision; so do the console, metrics.json and the report.
        metrics.MlConfusionMatrix!.GetFormattedConfusionTable().Should().MatchRegex(@"Precision *\|\| +0\.5000 \| +0\.0000 \|");
        text.Should().Contain("without_mask     0.0000   0.0000   0.0000        5\n");
        json.PerClass["without_mask"].Precision.Should().Be(0);
        json.PerClass["without_mask"].F1.Should().Be(0);
        // The macro averages count that 0 in, and the table shows ClassificationMetrics' own figures.
        text.Should().Contain("Macro avg        0.2500   0.5000   0.3333       10\n");
        metrics.MacroPrecision.Should().Be(0.25);
    }

    [Fact]
    public void A_class_with_no_examples_and_never_predicted_has_precision_0_and_no_recall()
    {
        var (truth, p) = MetricsTestData.FromConfusion([[5, 0], [0, 0]]);

        var text = MetricsPrinter.Format(ClassificationMetrics.Compute(["with_mask", "without_mask"], truth, p)).ReplaceLineEndings("\n");

        text.Should().Contain("without_mask     0.0000        -        -        0\n");
        text.Should().Contain("Macro avg        1.0000   1.0000   1.0000        5\n");
    }

    private static ClassificationMetrics BinaryMetrics()
    {
        var (truth, p) = MetricsTestData.FromConfusion([[4, 1], [0, 5]]);
        return ClassificationMetrics.Compute(["with_mask", "without_mask"], truth, p);
    }
}
