using MaskTrainer.Model;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Classification;
using MaskTrainer.Detect.Sources;
using MaskTrainer.Detect.Stats;
using MaskTrainer.Detect.Tracking;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Pipeline;

/// <summary>
/// The frame loop, as four stages on their own threads joined by small bounded queues, so that
/// reading frame n+2, detecting faces in n+1, classifying n and drawing/encoding n-1 overlap:
/// <list type="number">
/// <item>capture: reads frames into pooled Mats (a live camera drops the oldest waiting frame rather than fall behind);</item>
/// <item>detect: finds faces and matches them to tracks (IoU), deciding which tracks need a fresh classification;</item>
/// <item>classify: crops those faces and classifies them in one batch, smooths each track's probabilities, decides mask / no mask, checks the alerts;</item>
/// <item>sink (the calling thread): draws, encodes, shows, prints JSON, returns the packet to the pool.</item>
/// </list>
/// Decisions depend only on frame order, never on timing, so a video gives the same labels on every run.
/// </summary>
public sealed class DetectionPipeline
{
    private readonly IFrameSource _source;
    private readonly IFrameFaceDetector _detector;
    private readonly IFaceClassifier _classifier;
    private readonly IFrameSink _sink;
    private readonly PipelineOptions _options;

    public DetectionPipeline(IFrameSource source, IFrameFaceDetector detector, IFaceClassifier classifier, IFrameSink sink, PipelineOptions? options = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _classifier = classifier ?? throw new ArgumentNullException(nameof(classifier));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _options = options ?? PipelineOptions.Default;
        if ((uint)_options.MaskLabelIndex >= (uint)_classifier.Labels.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaskLabelIndex, $"the model has {_classifier.Labels.Count} labels");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(_options.QueueCapacity, 1, nameof(PipelineOptions.QueueCapacity));
        _options.Tracker.Validate(); // here, not first in the detect stage's thread
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxFramesInFlight, 1, nameof(PipelineOptions.MaxFramesInFlight));
    }

    /// <summary>Time spent before <see cref="Run"/> (loading models, opening the input), reported in the summary.</summary>
    public TimeSpan StartupTime { get; init; }

    /// <summary>
    /// Runs until the input ends, the user quits, <paramref name="cancel"/> fires (the frames
    /// already classified are still finished, so an output video is complete and its frames run
    /// in order; those not yet detected or classified are dropped, see <see cref="ClassifySlice"/>) or a stage fails (rethrown here
    /// after the others have stopped). A camera that stops for good ends the run with
    /// <see cref="StopReason.CameraLost"/> and its message in <see cref="LastError"/>.
    /// </summary>
    public RunSummary Run(CancellationToken cancel = default)
    {
        using var run = new PipelineRun(this, cancel);
        return run.Execute();
    }

    /// <summary>
    /// Faces classified between two looks at the stop request. A frame holds hundreds of faces at a
    /// very low --min-face-confidence (UltraFace: about 1,900 at 0), seconds of classification
    /// each; Ctrl+C then waited for every frame in flight, about a minute. Now a stop waits for one
    /// slice at most (16 faces, a fraction of a second), and the frames not classified yet are dropped.
    /// </summary>
    internal const int ClassifySlice = 16;

    /// <summary>The message of a camera that stopped, after a run that ended with <see cref="StopReason.CameraLost"/>.</summary>
    public string? LastError { get; private set; }

    /// <summary>State of one run: the threads, queues and pool.</summary>
    private sealed class PipelineRun : IDisposable
    {
        private readonly DetectionPipeline _p;
        private readonly CancellationToken _cancel;
        private readonly CancellationTokenSource _stop;
        private readonly StageQueue<FramePacket> _pool;
        private readonly StageQueue<FramePacket> _toDetect;
        private readonly StageQueue<FramePacket> _toClassify;
        private readonly StageQueue<FramePacket> _toSink;
        private readonly List<FramePacket> _packets = [];
        private readonly Lock _gate = new();
        private volatile ExceptionDispatchInfo? _failure;
        private StopReason? _reason;
        private long _dropped;

        // The number of the input frame after the last one read or skipped (at most --max-frames): set by the capture stage as it ends.
        private long _inputEnd;

        public PipelineRun(DetectionPipeline pipeline, CancellationToken cancel)
        {
            _p = pipeline;
            _cancel = cancel;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);

            // Live input: a frame waiting in a queue only grows older; one place per queue keeps the
            // stages overlapping while a frame waits at most one stage's time at each.
            int q = pipeline._source.IsLive ? 1 : pipeline._options.QueueCapacity;

            // The pool bounds the frames in flight (latency and memory). Live input gets one frame
            // per stage: every stage stays busy, and a frame never waits behind another for a slow
            // stage; the capture stage then reads when a frame has left, and the source hands it
            // the newest frame (the older ones are dropped, not queued).
            int poolSize = pipeline._source.IsLive ? Math.Min(LiveFramesInFlight, pipeline._options.MaxFramesInFlight) : pipeline._options.MaxFramesInFlight;
            _pool = new StageQueue<FramePacket>(poolSize);
            for (int i = 0; i < poolSize; i++)
            {
                var packet = new FramePacket();
                _packets.Add(packet);
                _pool.Write(packet);
            }

            _toDetect = pipeline._source.IsLive
                ? new StageQueue<FramePacket>(q, dropped => { Interlocked.Increment(ref _dropped); Recycle(dropped); })
                : new StageQueue<FramePacket>(q);
            _toClassify = new StageQueue<FramePacket>(q);
            _toSink = new StageQueue<FramePacket>(q);
        }

        public RunSummary Execute()
        {
            var threads = new[]
            {
                StartStage("capture", CaptureStage),
                StartStage("detect", DetectStage),
                StartStage("classify", ClassifyStage),
            };

            var latency = new LatencyHistogram();
            var fps = new FpsMeter();
            long frames = 0, faces = 0, classified = 0, held = 0;
            long first = 0, last = 0;
            bool userQuit = false;
            while (_toSink.TryTake(out var packet))
            {
                try
                {
                    if (_failure is null)
                    {
                        fps.Tick(Stopwatch.GetTimestamp());
                        if (!_p._sink.Write(packet, fps.Fps) && !userQuit)
                        {
                            userQuit = true;
                            SetReason(StopReason.UserQuit);
                            _stop.Cancel();
                        }

                        var done = Stopwatch.GetTimestamp();
                        first = frames == 0 ? packet.ReadTimestamp : first;
                        last = done;
                        frames++;
                        faces += packet.FaceCount;
                        foreach (ref readonly var f in packet.Faces)
                        {
                            classified += f.Classified ? 1 : 0;
                            held += f.Held ? 1 : 0;
                        }

                        latency.Add(Stopwatch.GetElapsedTime(packet.ReadTimestamp, done).TotalMilliseconds);
                    }
                }
                catch (Exception e)
                {
                    Fail(e);
                }
                finally
                {
                    Recycle(packet);
                }
            }

            foreach (var t in threads)
            {
                t.Join();
            }

            _failure?.Throw();

            // A Ctrl+C while an image's window is held open interrupts the run too; one that comes
            // while the output is being finished does not (the run was over).
            bool cancelled = _cancel.IsCancellationRequested;
            long inputEnd = !cancelled && _reason is null or StopReason.MaxFrames ? Interlocked.Read(ref _inputEnd) : -1;
            if (_p._sink.Complete(userQuit, inputEnd, _cancel) || cancelled)
            {
                SetReason(StopReason.Interrupted);
            }

            var reason = _reason ?? StopReason.EndOfInput;
            var seconds = frames == 0 ? 0 : Stopwatch.GetElapsedTime(first, last).TotalSeconds;
            return new RunSummary(frames, faces, classified, seconds, latency.Percentile(50), latency.Percentile(95),
                _p.StartupTime.TotalSeconds, reason) { Dropped = Interlocked.Read(ref _dropped) + _p._source.Skipped, Held = held };
        }

        public void Dispose()
        {
            _stop.Dispose();
            foreach (var packet in _packets)
            {
                packet.Dispose();
            }
        }

        // Live input: one frame per stage (capture, detect, classify, sink).
        private const int LiveFramesInFlight = 4;

        // Frames between the gen-0 collections that release OpenCvSharp's native argument wrappers.
        private const int NativeReleaseInterval = 64;

        private void CaptureStage()
        {
            long read = 0;
            var max = _p._options.MaxFrames;
            try
            {
                // Frames are numbered as the input numbers them: a live source's own skips (a --realtime
                // file's frames that were due while the loop was busy) count, so the JSON lines' gaps show
                // them and --max-frames N ends before frame N. A camera does not say which frames it
                // overwrote meanwhile: there only the frames the loop itself dropped leave gaps.
                while (!_stop.IsCancellationRequested && (max <= 0 || read + _p._source.Skipped < max))
                {
                    if (!_pool.TryTake(out var packet, _stop.Token))
                    {
                        break;
                    }

                    packet.Reset();
                    packet.ReadTimestamp = Stopwatch.GetTimestamp();
                    bool ok;
                    try
                    {
                        ok = _p._source.Read(packet.Frame, out var timeMs);
                        packet.TimeMs = timeMs;

                        // A live frame's latency starts when it came into being, not when we asked for it.
                        long born = _p._source.FrameTimestamp;
                        packet.ReadTimestamp = born != 0 ? born : packet.ReadTimestamp;
                    }
                    catch
                    {
                        Recycle(packet);
                        throw;
                    }

                    if (!ok || packet.Frame.IsEmpty)
                    {
                        Recycle(packet);
                        break;
                    }

                    long number = read + _p._source.Skipped;
                    if (max > 0 && number >= max)
                    {
                        Recycle(packet);
                        SetReason(StopReason.MaxFrames);
                        break;
                    }

                    packet.Index = number;
                    if (++read % NativeReleaseInterval == 0)
                    {
                        // OpenCvSharp wraps every Mat argument in a native InputArray/OutputArray that
                        // only a finalizer frees. This loop allocates almost nothing managed, so GCs
                        // are rare and those wrappers piled up (RSS +4 KB a frame over 12,000 frames);
                        // a gen-0 collection now and then lets the finalizers run (well under 1 ms).
                        GC.Collect(0, GCCollectionMode.Forced, blocking: false);
                    }

                    if (!_toDetect.Write(packet, _stop.Token))
                    {
                        Recycle(packet);
                        break;
                    }
                }
            }
            catch (CameraStoppedException e)
            {
                _p.LastError = e.Message;
                SetReason(StopReason.CameraLost);
            }
            finally
            {
                long end = read + _p._source.Skipped;
                if (max > 0 && end >= max)
                {
                    SetReason(StopReason.MaxFrames);
                    end = max;
                }

                Interlocked.Exchange(ref _inputEnd, end);

                _toDetect.Complete();
            }
        }

        private void DetectStage()
        {
            var tracker = new FaceTracker(_p._options.Tracker);
            var found = new List<FaceBox>();
            var held = new List<HeldTrack>();
            var boxes = new Rect[16];
            var assignments = new TrackAssignment[16];
            try
            {
                while (_toDetect.TryTake(out var packet))
                {
                    // After a stop request only the frames classified already are finished (ClassifySlice).
                    if (_failure is not null || _cancel.IsCancellationRequested)
                    {
                        Recycle(packet);
                        continue;
                    }

                    try
                    {
                        _p._detector.Detect(packet.Frame, found);
                        var frame = new Rect(0, 0, packet.Frame.Cols, packet.Frame.Rows);

                        // Boxes may reach past the edge; one wholly outside has nothing to crop (dropped in place).
                        int n = 0;
                        for (int i = 0; i < found.Count; i++)
                        {
                            if (!found[i].Box.Intersect(frame).IsEmpty)
                            {
                                found[n++] = found[i];
                            }
                        }

                        found.RemoveRange(n, found.Count - n);
                        if (n > boxes.Length)
                        {
                            boxes = new Rect[n * 2];
                            assignments = new TrackAssignment[n * 2];
                        }

                        for (int i = 0; i < n; i++)
                        {
                            boxes[i] = found[i].Box;
                        }

                        tracker.Update(boxes.AsSpan(0, n), assignments, packet.EndedTracks, held);

                        // The detected faces, then the confirmed tracks missed in this frame (held at their last box).
                        var faces = packet.ResetFaces(n + held.Count);
                        for (int i = 0; i < n; i++)
                        {
                            faces[i].Box = found[i].Box;
                            faces[i].Score = found[i].Score;
                            faces[i].TrackId = assignments[i].TrackId;
                            faces[i].Classified = assignments[i].Classify;
                        }

                        for (int i = 0; i < held.Count; i++)
                        {
                            faces[n + i].Box = held[i].Box;
                            faces[n + i].TrackId = held[i].TrackId;
                            faces[n + i].Held = true;
                        }
                    }
                    catch (Exception e)
                    {
                        Fail(e);
                        Recycle(packet);
                        continue;
                    }

                    Forward(_toClassify, packet);
                }
            }
            finally
            {
                _toClassify.Complete();
            }
        }

        private void ClassifyStage()
        {
            int labels = _p._classifier.Labels.Count;
            var smoother = new LabelSmoother(labels, _p._options.Smoothing);
            var boxes = new Rect[16];
            var probabilities = new float[16 * labels];
            var masked = new bool[16];
            var alerts = new FaceAlerts[16];
            var trackIds = new int[16];
            var latch = new ProximityLatch();
            try
            {
                while (_toClassify.TryTake(out var packet))
                {
                    if (_failure is not null || _cancel.IsCancellationRequested)
                    {
                        Recycle(packet);
                        continue;
                    }

                    try
                    {
                        var faces = packet.Faces;
                        if (faces.Length > boxes.Length)
                        {
                            boxes = new Rect[faces.Length * 2];
                            probabilities = new float[faces.Length * 2 * labels];
                            masked = new bool[faces.Length * 2];
                            alerts = new FaceAlerts[faces.Length * 2];
                            trackIds = new int[faces.Length * 2];
                        }

                        // One batch for all faces due for classification in this frame.
                        // Classified now says what really runs: faces the tracker asked for that are big
                        // enough, and grown faces with no verdict yet (so the sink and JSON count truly).
                        int due = 0, minSize = _p._options.MinFaceSize;
                        for (int i = 0; i < faces.Length; i++)
                        {
                            faces[i].Classified = Due(faces[i], smoother, minSize);
                            if (faces[i].Classified)
                            {
                                boxes[due++] = faces[i].Box;
                            }
                        }

                        if (due > 0)
                        {
                            for (int start = 0; start < due && !_cancel.IsCancellationRequested; start += ClassifySlice)
                            {
                                int count = Math.Min(ClassifySlice, due - start);
                                _p._classifier.Classify(packet.Frame, boxes.AsSpan(start, count), probabilities.AsSpan(start * labels, count * labels));
                            }

                            if (_cancel.IsCancellationRequested)
                            {
                                // Stopped part-way: this frame and the ones after it are dropped, so the
                                // frames written still run in order, none missing between them.
                                Recycle(packet);
                                continue;
                            }

                            int j = 0;
                            foreach (ref readonly var f in faces)
                            {
                                if (f.Classified)
                                {
                                    smoother.Observe(f.TrackId, probabilities.AsSpan(j++ * labels, labels));
                                }
                            }
                        }

                        for (int i = 0; i < faces.Length; i++)
                        {
                            // A held face keeps its last verdict: its box is its last detected one, so it is too small
                            // exactly when it was, and otherwise its track was classified then (the smoother knows it).
                            // A face below the size the model was validated for is reported, not guessed at (small bare faces look masked).
                            faces[i].Verdict = FaceCropPolicy.IsTooSmall(faces[i].Box, minSize)
                                ? FaceVerdict.TooSmallToJudge
                                : FaceVerdict.Decide(smoother.Get(faces[i].TrackId), _p._options.MaskLabelIndex, _p._options.Threshold);
                            // A face too small to judge is not known to be unmasked: it raises no proximity alert.
                            masked[i] = faces[i].Verdict.Mask || faces[i].Verdict.TooSmall;
                            boxes[i] = faces[i].Box;
                            trackIds[i] = faces[i].TrackId;
                        }

                        int n = faces.Length;
                        AlertGeometry.Evaluate(boxes.AsSpan(0, n), masked.AsSpan(0, n), packet.Frame.Cols,
                            _p._options.Alerts, alerts, packet.ClosePairs);
                        latch.Apply(trackIds.AsSpan(0, n), boxes.AsSpan(0, n), masked.AsSpan(0, n), packet.Frame.Cols, _p._options.Alerts.ProximityWidth, alerts);
                        for (int i = 0; i < n; i++)
                        {
                            faces[i].Alerts = alerts[i];
                        }

                        foreach (var id in packet.EndedTracks)
                        {
                            smoother.Forget(id);
                            latch.Forget(id);
                        }
                    }
                    catch (Exception e)
                    {
                        Fail(e);
                        Recycle(packet);
                        continue;
                    }

                    Forward(_toSink, packet);
                }
            }
            finally
            {
                _toSink.Complete();
            }
        }

        // Due when the tracker asks, or when a face that was too small so far has grown big enough (it has no verdict yet).
        // Never a held face: its box is from an earlier frame, so a crop of this frame would miss the face.
        private static bool Due(in FaceResult face, LabelSmoother smoother, int minSize) =>
            !face.Held && !FaceCropPolicy.IsTooSmall(face.Box, minSize) && (face.Classified || !smoother.Knows(face.TrackId));

        private Thread StartStage(string name, Action body)
        {
            var thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            })
            {
                Name = "detect: " + name,
                IsBackground = true,
            };
            thread.Start();
            return thread;
        }

        /// <summary>Passes a packet on; the next stage always drains its queue, so this cannot block forever.</summary>
        private void Forward(StageQueue<FramePacket> next, FramePacket packet)
        {
            if (!next.Write(packet))
            {
                Recycle(packet);
            }
        }

        private void Recycle(FramePacket packet) => _pool.Write(packet);

        private void Fail(Exception e)
        {
            lock (_gate)
            {
                _failure ??= ExceptionDispatchInfo.Capture(e);
            }

            _stop.Cancel();
        }

        private void SetReason(StopReason reason)
        {
            lock (_gate)
            {
                _reason ??= reason;
            }
        }
    }
}
