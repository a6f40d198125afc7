using System.Diagnostics;
using MaskTrainer.Detect.Output;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Detect.Rendering;
using MaskTrainer.Detect.Sources;
using MaskTrainer.Detect.Stats;
using MaskTrainer.Imaging;
using MaskTrainer.Reporting;

namespace MaskTrainer.Detect;

/// <summary>
/// --images: runs every image of an <see cref="ImageList"/> through the usual pipeline, one at
/// a time, with the loaded detector and classifier. An image that cannot be decoded, or whose
/// annotated copy cannot be written, is one error line on stderr and the batch goes on. The
/// summary counts what the lines show: an image whose faces line was printed is in <c>images</c>
/// and its faces in <c>faces</c>, even when its copy then failed (it is in <c>failed</c> too).
/// </summary>
/// <param name="readerGone">True once nothing reads the JSON lines (<see cref="GuardedWriter.NobodyReads"/>), asked before each
/// image: the batch then stops with <see cref="StopReason.OutputClosed"/>, as a video run does; null: never asked.</param>
internal sealed class ImageBatch(
    TextWriter stderr, IFrameFaceDetector detector, IFaceClassifier classifier, OverlayRenderer renderer, JsonFrameWriter? json, PipelineOptions options,
    Func<bool>? readerGone = null)
{
    /// <summary>Processes <paramref name="inputs"/>; annotated copies go into <paramref name="outputFolder"/> (existing) when given.</summary>
    public RunSummary Run(ImageList inputs, string? outputFolder, TimeSpan startup, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        var latency = new LatencyHistogram();
        long images = 0, faces = 0, classified = 0, written = 0;
        int failed = 0;
        var reason = StopReason.EndOfInput;
        foreach (var file in inputs.Files)
        {
            if (cancel.IsCancellationRequested)
            {
                reason = StopReason.Interrupted;
                break;
            }

            // `--json | head -1`: .NET drops writes to a closed pipe, so the batch would read every
            // image for nobody. An image takes far longer than this poll(2), so it is asked before each.
            if (readerGone?.Invoke() == true)
            {
                reason = StopReason.OutputClosed;
                break;
            }

            var imageStarted = Stopwatch.GetTimestamp();
            ImageSource source;
            try
            {
                source = new ImageSource(file);
            }
            catch (ImagingException e)
            {
                Failed(file, e.Message.Trim());
                failed++;
                continue;
            }

            RunSummary one;
            var copy = outputFolder is null ? null : Path.Combine(outputFolder, Path.GetFileName(file));
            ImageWriteException? copyError;
            using (source)
            using (var sink = new DetectorSink(renderer, json, imagePath: copy, jsonPath: file))
            {
                // A pipeline per image: its tracker and label smoother start empty, so an image's
                // labels never depend on the image before it (no smoothing across unrelated photos).
                // A copy that cannot be written is kept by the sink (ImageWriteError), not a failed
                // run: the copy is written after the JSON line, so the counts must stand for that line.
                one = new DetectionPipeline(source, detector, classifier, sink, options).Run(cancel);
                copyError = sink.ImageWriteError;
            }

            // The image was processed (its faces line is out) whether or not its copy was written.
            images += one.Frames;
            faces += one.Faces;
            classified += one.Classifications;
            if (copyError is not null)
            {
                // Its annotated copy could not be written (a folder of that name, no space, no
                // permission): one line for it, and the batch goes on, as for an unreadable image.
                Failed(file, $"{copy}: cannot write the annotated copy: {copyError.Reason.Trim()}");
                failed++;
            }
            else if (copy is not null)
            {
                written += one.Frames;
            }

            // Measured when the image went through, a stop that came after it included (the last
            // image was left out); an image a stop cut short has no time to count.
            if (one.Frames > 0)
            {
                latency.Add(Stopwatch.GetElapsedTime(imageStarted).TotalMilliseconds);
            }

            if (one.Reason == StopReason.Interrupted)
            {
                reason = StopReason.Interrupted;
                break;
            }
        }

        void Failed(string file, string message)
        {
            // The human line shows a newline in a name as \n; the JSON line escapes it its own way.
            stderr.WriteLine($"error: {HumanText.Escape(message)}");
            json?.WriteError(file, message.ReplaceLineEndings(" "));
        }

        return new RunSummary(images, faces, classified, Stopwatch.GetElapsedTime(started).TotalSeconds,
            latency.Percentile(50), latency.Percentile(95), startup.TotalSeconds, reason)
        {
            Batch = new ImageBatchCounts(inputs.Skipped.Count, failed) { Written = written },
        };
    }
}
