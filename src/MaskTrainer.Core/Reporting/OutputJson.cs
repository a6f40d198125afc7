using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using MaskTrainer.Model;

namespace MaskTrainer.Reporting;

/// <summary>
/// The one place the training app's JSON outputs are formatted: metrics.json, <c>evaluate --json</c>
/// and <c>predict --json</c>. System.Text.Json's default encoder escapes everything HTML could
/// misread, so a class folder named <c>mask &lt;weared&gt; &amp; "incorrect" ü</c> came out as
/// <c>\u003Cweared\u003E \u0026 \u0022 \u00FC</c>. These files are read by people and scripts and
/// never embedded in HTML (the report renders its own escaped tables and embeds no JSON), so the
/// relaxed encoder keeps names readable; quotes, backslashes and control characters are still
/// escaped, so the output stays valid JSON.
/// </summary>
public static class OutputJson
{
    /// <summary>Indented documents (metrics.json): camelCase names as <see cref="MetricsDocument"/> reads them, every property written, numbers as numbers.</summary>
    public static JsonSerializerOptions Document { get; } = Create(indented: true);

    /// <summary>
    /// Every JSON file training writes keeps names and paths as they are (a class "mask ü &lt;x&gt;" is not
    /// "\u00FC \u003C"): none is ever embedded in HTML, and quotes, backslashes and control characters are
    /// still escaped. metadata.json inside the model zip uses it too (<see cref="Model.ModelMetadata"/>).
    /// </summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>One document per line (<c>predict --json</c>).</summary>
    public static JsonSerializerOptions Line { get; } = Create(indented: false);

    /// <summary>Decimals of a face score or probability in a JSON line.</summary>
    public const int ScoreDecimals = 4;

    /// <summary>
    /// A face score or probability as JSON lines carry it: rounded to <see cref="ScoreDecimals"/>, as
    /// the detector app's lines have it, so <c>predict --json</c> (whose fields are named as in those
    /// lines) gives 0.9999 where it gave 0.9999323. Four places are below anything a threshold or a
    /// reader tells apart, and keep the lines short.
    /// </summary>
    public static double Score(double value) => Math.Round(value, ScoreDecimals);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            NumberHandling = JsonNumberHandling.Strict,
            Encoder = Encoder,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
