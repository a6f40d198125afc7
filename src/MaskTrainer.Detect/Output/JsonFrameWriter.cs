using System.Buffers;
using System.Text;
using System.Text.Json;
using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Detect.Stats;
using MaskTrainer.Reporting;

namespace MaskTrainer.Detect.Output;

/// <summary>
/// --json: one line per frame,
/// <c>{"frame":0,"timeMs":0,"faces":[{"track":1,"box":{"x":..,"y":..,"width":..,"height":..},"faceScore":0.99,"state":"classified","label":"without_mask","probability":0.97,"mask":false,"maskProbability":0.03,"classified":true,"alerts":["proximity"]}]}</c>;
/// a face below the minimum face size has <c>"state":"too_small"</c>, null label and probabilities, and <c>"mask":false</c>;
/// a held face (<see cref="FaceResult.Held"/>: missed by the detector in this frame, reported at its track's last box
/// with its last smoothed label) has <c>"state":"held"</c>, <c>"faceScore":0</c> and <c>"classified":false</c>
/// (null label and probabilities when that box is below the minimum face size),
/// then one summary line <c>{"summary":{...}}</c> (see docs/detector.md). Buffers are reused,
/// so a line costs no allocations.
/// </summary>
public sealed class JsonFrameWriter : IDisposable
{
    private static readonly JsonEncodedText PathName = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText FrameName = JsonEncodedText.Encode("frame");
    private static readonly JsonEncodedText TimeName = JsonEncodedText.Encode("timeMs");
    private static readonly JsonEncodedText FacesName = JsonEncodedText.Encode("faces");
    private static readonly JsonEncodedText TrackName = JsonEncodedText.Encode("track");
    private static readonly JsonEncodedText BoxName = JsonEncodedText.Encode("box");
    private static readonly JsonEncodedText XName = JsonEncodedText.Encode("x");
    private static readonly JsonEncodedText YName = JsonEncodedText.Encode("y");
    private static readonly JsonEncodedText WidthName = JsonEncodedText.Encode("width");
    private static readonly JsonEncodedText HeightName = JsonEncodedText.Encode("height");
    private static readonly JsonEncodedText ScoreName = JsonEncodedText.Encode("faceScore");
    private static readonly JsonEncodedText StateName = JsonEncodedText.Encode("state");
    private static readonly JsonEncodedText ClassifiedState = JsonEncodedText.Encode("classified");
    private static readonly JsonEncodedText TooSmallState = JsonEncodedText.Encode("too_small");
    private static readonly JsonEncodedText HeldState = JsonEncodedText.Encode("held");
    private static readonly JsonEncodedText LabelName = JsonEncodedText.Encode("label");
    private static readonly JsonEncodedText ProbabilityName = JsonEncodedText.Encode("probability");
    private static readonly JsonEncodedText MaskName = JsonEncodedText.Encode("mask");
    private static readonly JsonEncodedText MaskProbabilityName = JsonEncodedText.Encode("maskProbability");
    private static readonly JsonEncodedText ClassifiedName = JsonEncodedText.Encode("classified");
    private static readonly JsonEncodedText AlertsName = JsonEncodedText.Encode("alerts");
    private static readonly JsonEncodedText Proximity = JsonEncodedText.Encode("proximity");
    private static readonly JsonEncodedText Distancing = JsonEncodedText.Encode("distancing");

    private readonly TextWriter _output;
    private readonly JsonEncodedText[] _labels;
    private readonly ArrayBufferWriter<byte> _bytes = new(4096);
    private readonly Utf8JsonWriter _json;
    private char[] _chars = new char[4096];

    /// <param name="output">Where lines go (stdout in the app).</param>
    /// <param name="labels">The model's labels, in output order.</param>
    public JsonFrameWriter(TextWriter output, IReadOnlyList<string> labels)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        ArgumentNullException.ThrowIfNull(labels);
        _labels = new JsonEncodedText[labels.Count];
        for (int i = 0; i < _labels.Length; i++)
        {
            _labels[i] = JsonEncodedText.Encode(labels[i]);
        }

        _json = new Utf8JsonWriter(_bytes, new JsonWriterOptions { SkipValidation = true });
    }

    /// <param name="packet">The frame and its results.</param>
    /// <param name="path">For --images: the image file, written first as <c>"path"</c>; null leaves the field out.</param>
    public void WriteFrame(FramePacket packet, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Begin();
        _json.WriteStartObject();
        if (path is not null)
        {
            _json.WriteString(PathName, path);
        }

        _json.WriteNumber(FrameName, packet.Index);
        _json.WriteNumber(TimeName, Math.Round(packet.TimeMs, 1));
        _json.WriteStartArray(FacesName);
        foreach (ref readonly var f in packet.Faces)
        {
            _json.WriteStartObject();
            _json.WriteNumber(TrackName, f.TrackId);
            _json.WriteStartObject(BoxName);
            _json.WriteNumber(XName, f.Box.X);
            _json.WriteNumber(YName, f.Box.Y);
            _json.WriteNumber(WidthName, f.Box.Width);
            _json.WriteNumber(HeightName, f.Box.Height);
            _json.WriteEndObject();
            _json.WriteNumber(ScoreName, OutputJson.Score(f.Score));
            if (f.Verdict.TooSmall)
            {
                _json.WriteString(StateName, f.Held ? HeldState : TooSmallState);
                _json.WriteNull(LabelName);
                _json.WriteNull(ProbabilityName);
                _json.WriteBoolean(MaskName, false);
                _json.WriteNull(MaskProbabilityName);
                _json.WriteBoolean(ClassifiedName, f.Classified);
            }
            else
            {
                _json.WriteString(StateName, f.Held ? HeldState : ClassifiedState);
                _json.WriteString(LabelName, _labels[f.Verdict.LabelIndex]);
                _json.WriteNumber(ProbabilityName, OutputJson.Score(f.Verdict.Probability));
                _json.WriteBoolean(MaskName, f.Verdict.Mask);
                _json.WriteNumber(MaskProbabilityName, OutputJson.Score(f.Verdict.MaskProbability));
                _json.WriteBoolean(ClassifiedName, f.Classified);
            }
            _json.WriteStartArray(AlertsName);
            if ((f.Alerts & FaceAlerts.Proximity) != 0)
            {
                _json.WriteStringValue(Proximity);
            }

            if ((f.Alerts & FaceAlerts.Distancing) != 0)
            {
                _json.WriteStringValue(Distancing);
            }

            _json.WriteEndArray();
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        End();
    }

    public void WriteSummary(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Begin();
        _json.WriteStartObject();
        _json.WriteStartObject("summary");
        if (summary.Batch is { } batch)
        {
            _json.WriteNumber("images", summary.Frames);
            _json.WriteNumber("skipped", batch.Skipped);
            _json.WriteNumber("failed", batch.Failed);
        }

        _json.WriteNumber("frames", summary.Frames);
        _json.WriteNumber("faces", summary.Faces);
        _json.WriteNumber("classifications", summary.Classifications);
        _json.WriteNumber("heldFaces", summary.Held);
        _json.WriteNumber("seconds", Math.Round(summary.Seconds, 3));
        _json.WriteNumber("meanFps", Math.Round(summary.MeanFps, 2));
        WriteLatency("p50LatencyMs", summary.P50LatencyMs);
        WriteLatency("p95LatencyMs", summary.P95LatencyMs);
        _json.WriteNumber("startupSeconds", Math.Round(summary.StartupSeconds, 3));
        _json.WriteNumber("dropped", summary.Dropped);
        _json.WriteString("stopReason", JsonNamingPolicy.CamelCase.ConvertName(summary.Reason.ToString()));
        if (summary.Detector is { } detector)
        {
            _json.WriteString("detector", detector);
        }

        if (summary.Error is { } error)
        {
            _json.WriteString("error", error);
        }
        _json.WriteEndObject();
        _json.WriteEndObject();
        End();
        _output.Flush();
    }

    // null when nothing was measured (no frame or image finished), not 0, which reads as instant.
    private void WriteLatency(string name, double? ms)
    {
        if (ms is { } value)
        {
            _json.WriteNumber(name, Math.Round(value, 2));
        }
        else
        {
            _json.WriteNull(name);
        }
    }

    /// <summary>
    /// An --images input that failed: <c>{"path":…,"error":…}</c>, so a reader of the lines can tell
    /// which image the summary's <c>failed</c> counts (after its faces line when only its annotated copy failed).
    /// </summary>
    public void WriteError(string path, string error)
    {
        Begin();
        _json.WriteStartObject();
        _json.WriteString("path", path);
        _json.WriteString("error", error);
        _json.WriteEndObject();
        End();
        _output.Flush();
    }

    public void Dispose() => _json.Dispose();

    private void Begin()
    {
        _bytes.ResetWrittenCount();
        _json.Reset(_bytes);
    }

    private void End()
    {
        _json.Flush();
        var bytes = _bytes.WrittenSpan;
        int needed = Encoding.UTF8.GetMaxCharCount(bytes.Length) + 1;
        if (_chars.Length < needed)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        int n = Encoding.UTF8.GetChars(bytes, _chars);
        _chars[n++] = '\n';
        _output.Write(_chars, 0, n);
    }
}
