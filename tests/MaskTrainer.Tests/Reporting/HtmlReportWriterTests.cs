using System.Text.RegularExpressions;
using System.Xml.Linq;
using MaskTrainer.Reporting;

namespace MaskTrainer.Tests.Reporting;

public sealed class HtmlReportWriterTests : IDisposable
{
    // Smallest valid PNG (1x1 transparent pixel) and the start of a JPEG: the report only embeds bytes.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1];

    private readonly string _folder = Directory.CreateTempSubdirectory("mt-report-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ReportData Sample() => new()
    {
        Title = "Mask model",
        CreatedUtc = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        ModelPath = "/models/mask.zip",
        Labels = ["with_mask", "without_mask", "mask_weared_incorrect"],
        ConfusionMatrix = [[50, 3, 0], [2, 40, 7], [0, 0, 13]],
        Accuracy = 0.913,
        MacroAccuracy = 0.89,
        LogLoss = 0.25,
        LogLossReduction = 0.7,
        Auc = 0.97,
        PerClass =
        [
            new("with_mask", 0.96, 0.94, 0.95, 53),
            new("without_mask", 0.93, 0.82, 0.87, 49),
            new("mask_weared_incorrect", 0.65, 1.0, 0.79, 13),
        ],
        Misclassified =
        [
            new("/data/b.jpg", "with_mask", "without_mask", 0.61, Jpeg),
            new("/data/a.png", "without_mask", "with_mask", 0.93, Png),
            new("/data/c.jpg", "without_mask", "mask_weared_incorrect", 0.55, null),
        ],
        DatasetSummary = ["images: 1200", "test: 115"],
        Skipped = [new("/data/broken.jpg", "unreadable")],
        Options = ["epochs: 30", "seed: 42"],
    };

    [Fact]
    public void The_dataset_is_a_table_per_class_and_split_with_a_total_row()
    {
        var path = Path.Combine(_folder, "split.html");
        HtmlReportWriter.Write(path, Sample() with { Split = [new("with_mask", 420, 60, 120), new("without_mask", 410, 58, 118)] });

        var html = File.ReadAllText(path);
        html.Should().Contain("<table class=\"split\">")
            .And.Contain("<tr><td>with_mask</td><td>420</td><td>60</td><td>120</td><td>600</td></tr>")
            .And.Contain("<tr class=\"total\"><td>Total</td><td>830</td><td>118</td><td>238</td><td>1,186</td></tr>");
    }

    [Fact]
    public void A_test_set_too_small_to_judge_is_called_so_and_a_large_one_is_not()
    {
        var small = Path.Combine(_folder, "small.html");
        var large = Path.Combine(_folder, "large.html");
        HtmlReportWriter.Write(small, Sample() with { Labels = ["with_mask", "without_mask"], ConfusionMatrix = [[3, 0], [0, 3]], PerClass = [] });
        HtmlReportWriter.Write(large, Sample());

        File.ReadAllText(small).Should().Contain("Only 6 test images: one image is 16.7 % of accuracy, too few to judge the model.");
        File.ReadAllText(large).Should().NotContain("too few to judge");
    }

    [Fact]
    public void The_heat_map_shows_every_count_of_the_confusion_matrix_in_its_cell()
    {
        var data = Sample();

        var html = HtmlReportWriter.Render(data);

        var cells = Regex.Matches(html, "<g class=\"cell[^\"]*\" data-truth=\"(\\d+)\" data-predicted=\"(\\d+)\" data-count=\"(\\d+)\">.*?<text[^>]*>(\\d+)</text>");
        cells.Should().HaveCount(9);
        foreach (Match cell in cells)
        {
            var truth = int.Parse(cell.Groups[1].Value);
            var predicted = int.Parse(cell.Groups[2].Value);
            cell.Groups[3].Value.Should().Be(data.ConfusionMatrix![truth][predicted].ToString());
            cell.Groups[4].Value.Should().Be(cell.Groups[3].Value, "the count is printed inside the cell");
        }

        // Colour is normalised per true class: row 2 is all on the diagonal, so that cell is the darkest.
        Regex.Match(html, "data-truth=\"2\" data-predicted=\"2\"[^>]*>.*?fill=\"(#[0-9a-f]{6})\"").Groups[1].Value.Should().Be("#08306b");
        Regex.Match(html, "data-truth=\"2\" data-predicted=\"0\"[^>]*>.*?fill=\"(#[0-9a-f]{6})\"").Groups[1].Value.Should().Be("#f7fbff");
        html.Should().Contain("82%", "row 1 diagonal is 40 of 49");
    }

    [Fact]
    public void User_text_is_escaped_everywhere_and_cannot_inject_markup()
    {
        var evil = "<script>alert('x')</script>";
        var data = Sample() with
        {
            Title = evil,
            ModelPath = "/m/\"><img src=x onerror=alert(1)>.zip",
            Labels = [evil, "b\" onmouseover=\"alert(2)", "c&d"],
            PerClass = [new(evil, 1, 1, 1, 1)],
            Misclassified = [new("/x/" + evil + ".jpg", evil, "c&d", 0.9, Png)],
            Skipped = [new(evil, evil)],
            Options = [evil],
        };

        var html = HtmlReportWriter.Render(data);

        html.Should().NotContainEquivalentOf("<script");
        html.Should().NotContain("<img src=x");
        html.Should().NotContain("\" onmouseover=\"");
        html.Should().Contain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        html.Should().Contain("c&amp;d");
        foreach (Match svg in Regex.Matches(html, "<svg.*?</svg>", RegexOptions.Singleline))
        {
            var parse = () => XElement.Parse(svg.Value);
            parse.Should().NotThrow("every chart must stay well-formed whatever the labels are");
        }
    }

    [Fact]
    public void The_page_is_one_file_with_no_external_references_and_embedded_images()
    {
        var html = HtmlReportWriter.Render(Sample());

        html.Should().NotContainAny("http://", "https://", "<link", "<script", "@import", "url(//");
        var sources = Regex.Matches(html, "\\ssrc=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        sources.Should().HaveCount(2);
        sources.Should().OnlyContain(s => s.StartsWith("data:image/"));
        sources[0].Should().Be("data:image/png;base64," + Convert.ToBase64String(Png), "the most confident mistake comes first");
        sources[1].Should().Be("data:image/jpeg;base64," + Convert.ToBase64String(Jpeg));
        html.Should().Contain("no preview");
        html.Should().Contain("default-src 'none'", "a CSP keeps the page from loading or running anything");
    }

    [Fact]
    public void Write_creates_the_file_atomically_as_utf8()
    {
        var path = Path.Combine(_folder, "sub", "report.html");
        var data = Sample();

        HtmlReportWriter.Write(path, data);
        HtmlReportWriter.Write(path, data);

        File.ReadAllText(path).Should().Be(HtmlReportWriter.Render(data));
        File.ReadAllBytes(path)[..3].Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF }, "no BOM");
        Directory.GetFiles(Path.GetDirectoryName(path)!).Should().Equal([path]);
    }

    [Fact]
    public void Sections_without_data_are_left_out()
    {
        var html = HtmlReportWriter.Render(new ReportData { Labels = ["a", "b"] });

        html.Should().NotContain("<svg").And.NotContain("id=\"training\"").And.NotContain("id=\"skipped\"");
        html.Should().Contain("every test image was classified correctly");
    }

    [Fact]
    public void A_confusion_matrix_that_does_not_match_the_labels_is_rejected()
    {
        var render = () => HtmlReportWriter.Render(Sample() with { ConfusionMatrix = [[1, 2], [3, 4]] });

        render.Should().Throw<ArgumentException>().WithMessage("The confusion matrix must be 3x3*");
    }

    [Fact]
    public void Non_finite_metrics_show_a_dash_instead_of_NaN()
    {
        var html = HtmlReportWriter.Render(Sample() with { Auc = double.NaN, PerClass = [new("with_mask", double.NaN, 0, double.NaN, 0)] });

        html.Should().NotContain("NaN").And.NotContain("∞");
        html.Should().Contain(">–<");
    }
}
