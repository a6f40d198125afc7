using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// A detector at a larger effective input where the image is large (issue #13): the whole-image
/// detector runs as it does alone, and when the image is at least <see cref="TileFrom"/> times the
/// tile detector's input, that detector also runs on a grid of overlapping tiles
/// (<see cref="Tiles(Size, Size, ref Rect[])"/>), so that a face far from the camera covers more of the network's input
/// (UltraFace on a 1280x720 video frame: 2x2 tiles, each shrunk 2.3x instead of 4x; a still 500x375
/// photo gets 3x3 tiles, each enlarged 1.6x instead of the photo shrunk 1.6x). Optionally a <see cref="SecondPass"/> (another model on
/// the whole image) adds the faces the first one misses, such as masked faces for UltraFace, and
/// the whole-image detector's own boxes scored under its threshold, from <c>verifyWholeFrom</c>, may
/// be kept as the extra passes' faces are: when the verifier passes them.
/// <para>A tile detection that touches an edge the tile shares with a neighbour is dropped: that
/// face is cut there, and lies whole in the neighbour (tiles overlap by <see cref="Overlap"/> of a
/// tile, wider than the faces the tiles are for) or is big enough for the whole-image pass. A
/// tile or second-pass face that a whole-image face already covers is dropped too; the rest, the
/// faces only the extra passes found, must pass the face verifier, which keeps the extra passes
/// off textures, hands and dog faces. Of those that pass, in this order: an unsure face or a
/// second-pass face is dropped when a better one of its kind or one before it covers it, a tile face
/// when an unsure or second-pass face does (<see cref="StandsFor"/>). So the whole-image faces are the
/// whole-image detector's, with one box per face (<see cref="OneBoxPerFace"/>), and the extra passes
/// add faces, or put a box round the whole of a face in place of one on its eyes (<see cref="FaceBoxes.Frames"/>).</para>
/// <para>On the consecutive frames of a video (<see cref="FaceDetectorOptions.ConsecutiveFrames"/>),
/// the second pass and the tiles take turns, and the faces the other one found in the previous
/// frame stand in for it (unless a face of this frame covers them, or they score under this call's
/// threshold; one that frames a face of this frame more wholly takes its place, as on its own frame):
/// about half their cost, for boxes one frame old on the faces only they find. The order above
/// holds on every frame, so a face keeps the same pass's box.</para>
/// <para>Each member keeps its own threshold (scores of different models are not comparable); a
/// threshold given by the caller only raises a member's, never lowers it.</para>
/// </summary>
public sealed class TiledFaceDetector : FaceDetectorBase, IVerifiedFaceDetector
{
    /// <summary>The image is tiled when it is this many times the detector's input, in width or height.</summary>
    public const double TileFrom = 1.5;

    /// <summary>Overlap of neighbouring tiles, as a fraction of a tile's width (height).</summary>
    public const double Overlap = 0.25;

    /// <summary>
    /// The grid has size / (this x the input) tiles per axis, rounded up (at least 2): before the
    /// overlap widens them, no tile is shrunk more than twice, i.e. UltraFace sees a large image as
    /// if its input were 640x480; with the overlap, at most 2 / (1 - <see cref="Overlap"/>) = 2.7 times.
    /// </summary>
    public const double MaxTileShrink = 2;

    /// <summary>
    /// <see cref="MaxTileShrink"/> for still images (photos are not frames of a video, <see cref="FaceDetectorOptions.ConsecutiveFrames"/>
    /// off): no frame rate to keep, so the grid has a tile per 0.75 x the input, rounded up. The overlap
    /// widens each tile again, so how much a tile is enlarged depends on the grid: 1.6x on a 500x375
    /// photo (3x3 tiles instead of 2x2), 1.25x on 640x480 (3x3), 1.04x on 1920x1080 (8x6 instead of
    /// 3x3); never shrunk while the grid stays under <see cref="MaxStillTiles"/> tiles.
    /// </summary>
    public const double StillMaxTileShrink = 0.75;

    /// <summary>At most this many tiles on a still image (about 0.1 s of UltraFace here): a 12 MP photo
    /// would need 289 at <see cref="StillMaxTileShrink"/>, so its tiles are shrunk as much as this allows.</summary>
    public const int MaxStillTiles = 64;

    /// <summary>
    /// A face the whole-image passes (UltraFace's unsure faces, the second pass) found narrower than
    /// this many pixels of UltraFace's input (under 96 px of a 1280-wide frame, 37 px of a 500-wide
    /// photo) comes after the tiles' faces when the image is tiled: the tiles saw it at least twice as
    /// large, and at a few pixels of input the coarse box is several pixels off or spans two faces.
    /// Where a tile found the face its box is kept; where none did, the coarse box still counts.
    /// Measured with <c>bench detectors</c>' shrunk scenes (docs/detector.md): faces 16-23 px wide
    /// 0.770 -> 0.865, detections on no labelled face 35 -> 14 (with the rule that a small coarse box
    /// holding a kept face's centre is that face), nothing else changed; 24 and 48 gave the same figures.
    /// </summary>
    public const float CoarseFaceWidth = 24;

    /// <summary>
    /// A box whose centre lies inside a face already kept stands for that face (a part of it, or a
    /// second box on it), and so does a box that holds such a face's centre (<see cref="FaceBoxes.SameFace"/>),
    /// unless the narrower is under this fraction of the wider's width and its centre lies in the
    /// wider box's corners, outside the face itself (<see cref="FaceBoxes.OnFace"/>): then it is a face
    /// further away beside the near one (over a shoulder). A narrower box centred on the near face is
    /// part of it at any width: a face there would be hidden behind it. Only with a verifier for the
    /// extra passes' faces: without one nothing would check such a box, so the centre rule holds for
    /// every width there; UltraFace's own sure faces are not verified, so among them only the face
    /// itself counts (<see cref="OneBoxPerFace"/>). Boxes that overlap as NMS would suppress are one face
    /// whatever their sizes. The tracker keeps to the same rule when it decides whether a detection
    /// stands for a held face.
    /// <para>Session 13 let every narrower box inside a face through: pasted 32 px faces 0.695 -> 0.750
    /// in <c>bench detectors</c>, mostly faces pasted onto a face of the background photo (16 of those
    /// 30 found, 4 now), while on real close-ups boxes on eyes, glasses and an ear got through as faces.
    /// From session 14 only the corners count (docs/detector.md). The 0.15 is session 13's: with the
    /// rule over the whole box, boxes on parts of the bare-face video's near face got through from a
    /// third on, and a tile's 51 px box on a 209 px face (0.24) passed a one-way verifier; 0.15 keeps a
    /// margin under both.</para>
    /// </summary>
    public const float InnerFaceWidthRatio = 0.15f;

    private readonly IFaceDetector _whole;
    private readonly IFaceDetector _tiled;
    private readonly SecondPass? _second;
    private readonly float? _verifyWholeFrom;
    private readonly List<DetectedFace> _unsure = [];
    private readonly List<DetectedFace> _unsureKept = [];
    private readonly Size _input;
    private readonly FaceVerification? _verification;
    private readonly FaceCandidates _candidates = new();
    private readonly List<DetectedFace> _extra = [];

    // The verified faces each extra pass found when it last ran: this frame's, or with
    // ConsecutiveFrames, the previous frame's for the pass that takes its turn next frame.
    private readonly List<DetectedFace> _heldSecond = [];
    private readonly List<DetectedFace> _heldTiles = [];
    private long _frame;
    private Rect[] _tiles = new Rect[4];

    /// <param name="id">The detector's id.</param>
    /// <param name="whole">The detector run on the whole image (owned).</param>
    /// <param name="tiled">The detector run on the tiles (owned; may be <paramref name="whole"/>).</param>
    /// <param name="input">Its network's input size, which decides the tiles.</param>
    /// <param name="verification">Checks the faces only the tiles or the second pass found (owned): its
    /// threshold and whether faces are judged mirrored too are decided where it is made; null = none.</param>
    /// <param name="second">Another model on the whole image (owned); null = none.</param>
    /// <param name="verifyWholeFrom">With a verifier: the whole-image detector's faces scored from this up
    /// to its own threshold are kept when the verifier passes them (a face the model is unsure of,
    /// such as a masked one, that the verifier finds face-like); null = none.</param>
    public TiledFaceDetector(string id, IFaceDetector whole, IFaceDetector tiled, Size input,
        FaceDetectorOptions? options = null, FaceVerification? verification = null, SecondPass? second = null, float? verifyWholeFrom = null)
        : base(id, LowestDefault(whole, tiled, second, verifyWholeFrom), options)
    {
        if (verifyWholeFrom is { } from && !(from >= 0 && from <= whole.DefaultMinConfidence))
        {
            throw new ArgumentOutOfRangeException(nameof(verifyWholeFrom), from, "must lie between 0 and the whole-image detector's threshold");
        }

        if (verifyWholeFrom is not null && verification is null)
        {
            throw new ArgumentException("the whole-image detector's unsure faces need a verifier", nameof(verifyWholeFrom));
        }

        _verifyWholeFrom = verifyWholeFrom;
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        _whole = whole;
        _tiled = tiled;
        if (second is not null && !(second.MinConfidence >= 0 && second.MinConfidence <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(second), second.MinConfidence, "the second pass's threshold must lie in [0, 1]");
        }

        _second = second;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Height);
        _input = input;
        _verification = verification;
    }

    /// <inheritdoc />
    public FaceVerification? Verification => _verification;

    /// <summary>
    /// The tiles of an image of <paramref name="size"/> for a detector whose input is
    /// <paramref name="input"/>: none when the image is under <see cref="TileFrom"/> times the
    /// input in both directions; else a grid of at least 2x2, more on images over
    /// <see cref="MaxTileShrink"/> times the input; neighbours overlap by <see cref="Overlap"/> of a tile. Writes the tiles into a buffer grown as needed; returns how many.
    /// </summary>
    public static int Tiles(Size size, Size input, ref Rect[] tiles) => Tiles(size, input, MaxTileShrink, int.MaxValue, ref tiles);

    /// <summary>
    /// As <see cref="Tiles(Size, Size, ref Rect[])"/>, no tile shrunk more than <paramref name="maxShrink"/>
    /// times (before the overlap) unless that takes more than <paramref name="maxTiles"/> tiles; then
    /// the finest grid of at most that many (at least 2x2).
    /// </summary>
    public static int Tiles(Size size, Size input, double maxShrink, int maxTiles, ref Rect[] tiles)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShrink);
        if (size.Width < TileFrom * input.Width && size.Height < TileFrom * input.Height)
        {
            return 0;
        }

        int cols = Math.Max(2, (int)Math.Ceiling(size.Width / (maxShrink * input.Width)));
        int rows = Math.Max(2, (int)Math.Ceiling(size.Height / (maxShrink * input.Height)));
        while (cols * rows > maxTiles && (cols > 2 || rows > 2))
        {
            // Coarser along the axis whose tiles are enlarged most (or shrunk least).
            if (cols > 2 && (rows <= 2 || size.Width / (double)cols < size.Height * input.Width / (double)(rows * input.Height)))
            {
                cols--;
            }
            else
            {
                rows--;
            }
        }

        if (tiles.Length < cols * rows)
        {
            tiles = new Rect[cols * rows];
        }

        // Tile width w: cols tiles cover the width, neighbours overlapping by Overlap * w.
        int w = (int)Math.Ceiling(size.Width / (cols - (cols - 1) * Overlap)), h = (int)Math.Ceiling(size.Height / (rows - (rows - 1) * Overlap));
        w = Math.Min(w, size.Width);
        h = Math.Min(h, size.Height);
        int n = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                // The last tile ends at the edge exactly.
                int x = c == cols - 1 ? size.Width - w : (int)Math.Round(c * w * (1 - Overlap));
                int y = r == rows - 1 ? size.Height - h : (int)Math.Round(r * h * (1 - Overlap));
                tiles[n++] = new Rect(x, y, w, h);
            }
        }

        return n;
    }

    /// <summary>
    /// Each member at <paramref name="minConfidence"/> or its own threshold, whichever is higher
    /// (scores of different models are not comparable; the default is the lowest of them).
    /// </summary>
    protected override IReadOnlyList<DetectedFace> DetectCore(Mat image, float minConfidence)
    {
        float wholeThreshold = Math.Max(minConfidence, _whole.DefaultMinConfidence);
        float lowThreshold = _verifyWholeFrom is { } from ? Math.Max(minConfidence, from) : wholeThreshold;
        var found = OneBoxPerFace(SplitWhole(_whole.Detect(image, lowThreshold), wholeThreshold), Options.NmsThreshold);
        var size = image.Size();
        int n = Options.ConsecutiveFrames ? Tiles(size, _input, ref _tiles) : Tiles(size, _input, StillMaxTileShrink, MaxStillTiles, ref _tiles);

        // On consecutive frames the second pass and the tiles take turns: together they cost more
        // than the rest of a 720p frame, and a face that one of them found one frame (~40 ms) ago
        // is still there. The whole-image pass, which finds most faces, runs on every frame.
        bool alternate = Options.ConsecutiveFrames && _second is not null && n > 0;
        bool runSecond = _second is not null && (!alternate || _frame % 2 == 0);
        bool runTiles = n > 0 && (!alternate || _frame % 2 == 1);
        _frame++;
        if (!alternate)
        {
            // Each image on its own: nothing found in an earlier image stands in on this one.
            _heldSecond.Clear();
            _heldTiles.Clear();
        }

        _extra.Clear();
        float secondThreshold = _second is null ? 1 : Math.Max(minConfidence, _second.MinConfidence);
        if (runSecond)
        {
            AddUncovered(_second!.Detector.Detect(image, secondThreshold), found);
        }

        int fromLow = _extra.Count;
        AddUncovered(_unsure, found); // the whole-image pass's unsure faces (empty unless verifyWholeFrom)
        int fromTiles = _extra.Count;
        float tileThreshold = Math.Max(minConfidence, _tiled.DefaultMinConfidence);
        if (runTiles)
        {
            _candidates.Clear();
            for (int i = 0; i < n; i++)
            {
                using var view = new Mat(image, _tiles[i]);
                Add(_tiled.Detect(view, tileThreshold), _tiles[i], size);
            }

            AddUncovered(_candidates.Suppress(tileThreshold, Options.NmsThreshold), found, mayReplace: false);
        }

        // Only the extra passes' new faces are verified (all in one batch): the whole-image faces are
        // what the whole-image detector reports alone, measured on its own. Verified before they are
        // matched with each other, so that a box which fails cannot take a good one down with it.
        // (Filter keeps the order and the instances.) Faces held from the previous frame were verified there.
        var verified = _extra.Count == 0 || _verification is null ? _extra : _verification.Filter(_extra, image);
        if (runSecond)
        {
            Split(verified, 0, fromLow, _heldSecond);
        }

        Split(verified, fromLow, fromTiles, _unsureKept);
        if (runTiles)
        {
            Split(verified, fromTiles, _extra.Count, _heldTiles);
        }

        if (_heldSecond.Count + _unsureKept.Count + _heldTiles.Count == 0)
        {
            return OneBoxPerCloseUp(found, size); // the usual frame: every extra candidate was a hand, a texture or a tree
        }

        var all = new List<DetectedFace>(found.Count + _heldSecond.Count + _unsureKept.Count + _heldTiles.Count);
        all.AddRange(found);
        // The same order on every frame, whichever pass ran on it, so that a face two passes find keeps
        // one pass's box instead of changing shape (and score, and being classified again) from frame
        // to frame: the whole-image pass's unsure faces (from the same model as its sure ones, and
        // fresh on every frame), the second pass's, then the tiles'. An unsure or second-pass face
        // (best first) is dropped when a better one covers it: BlazeFace's NMS keeps boxes on one face
        // that overlap under its IoU, e.g. on a tight close-up. A tile face is dropped when a face
        // before its group covers it; among tile faces NMS decided. A face held from the previous
        // frame also answers to this call's threshold, which may be higher than the one it was found at.
        // With tiles, a face small at the whole-image passes' scale comes after the tiles' faces
        // (CoarseFaceWidth), still in one fixed order on every frame. An unsure or second-pass face that
        // frames a kept face more wholly (StandsFor) takes its place, in its slot, so the order still
        // holds; a tile face never does (among tile faces NMS decided, and each is judged only by the
        // faces before its group), nor a coarse box (the tiles' box is the sharper one).
        float coarseUnder = n > 0 ? CoarseFaceWidth * size.Width / _input.Width : 0;
        bool replaced = AddKept(_unsureKept, all, lowThreshold, withinGroup: true, minWidth: coarseUnder);
        replaced |= AddKept(_heldSecond, all, secondThreshold, withinGroup: true, minWidth: coarseUnder);
        replaced |= AddKept(_heldTiles, all, tileThreshold, withinGroup: false);
        if (coarseUnder > 0)
        {
            // A coarse box that holds the centre of a face already kept is that face too (a few pixels
            // off and larger, StandsFor), and it never takes the place of the tiles' sharper box.
            AddKept(_unsureKept, all, lowThreshold, withinGroup: true, maxWidth: coarseUnder, coarse: true);
            AddKept(_heldSecond, all, secondThreshold, withinGroup: true, maxWidth: coarseUnder, coarse: true);
        }

        if (all.Count == found.Count && !replaced)
        {
            return OneBoxPerCloseUp(found, size);
        }

        all.Sort((a, b) => b.Score.CompareTo(a.Score));
        return OneBoxPerCloseUp(all, size);
    }

    /// <summary>
    /// A face is close to the camera when its box is at least this share of the frame's width or height
    /// (216 px of a 720p frame's height): see <see cref="OneBoxPerCloseUp"/>.
    /// </summary>
    public const float CloseUpShare = 0.3f;

    /// <summary>Two close faces are one when they share at least this fraction of the smaller box (<see cref="OneBoxPerCloseUp"/>).</summary>
    public const float CloseUpOverlap = 0.05f;

    /// <summary>
    /// <paramref name="faces"/> with one box per face close to the camera: two boxes that are each at least
    /// <see cref="CloseUpShare"/> of the frame and overlap by at least <see cref="CloseUpOverlap"/> of the
    /// smaller become one, the box round both with the better one's score (best first). A face that fills
    /// or overflows the frame (someone leaning into a webcam, a tight dataset crop) is not framed as the
    /// detectors were trained: they box each half of it or each eye, side by side, and no rule by centre
    /// holds (neither box holds the other's centre); a box on one eye hides the mask from the classifier
    /// and two boxes raised a false "too close" alert. Two people's faces that large overlap only when one
    /// hides the other. On mask-sample's 1,200 photos as they are, photos with more than one box 259 -> 121,
    /// every other figure of <c>bench detectors</c> unchanged (docs/detector.md, "A face that fills the frame").
    /// Returns <paramref name="faces"/> itself when no pair is one face, the usual frame.
    /// </summary>
    public static IReadOnlyList<DetectedFace> OneBoxPerCloseUp(IReadOnlyList<DetectedFace> faces, Size frame)
    {
        ArgumentNullException.ThrowIfNull(faces);
        int close = 0;
        for (int i = 0; i < faces.Count && close < 2; i++)
        {
            close += Close(faces[i].Box, frame) ? 1 : 0;
        }

        if (close < 2)
        {
            return faces; // the usual frame: at most one face that near
        }

        List<DetectedFace>? merged = null;
        for (bool again = true; again;)
        {
            again = false;
            var list = (IReadOnlyList<DetectedFace>?)merged ?? faces;
            for (int i = 0; i < list.Count && !again; i++)
            {
                for (int j = i + 1; j < list.Count && !again; j++)
                {
                    if (!OneCloseFace(list[i].Box, list[j].Box, frame))
                    {
                        continue;
                    }

                    merged ??= [.. faces];
                    var (better, other) = merged[i].Score >= merged[j].Score ? (merged[i], merged[j]) : (merged[j], merged[i]);
                    merged[i] = better with { Box = better.Box.Union(other.Box) };
                    merged.RemoveAt(j);
                    again = true;
                }
            }
        }

        if (merged is null)
        {
            return faces;
        }

        merged.Sort((a, b) => b.Score.CompareTo(a.Score));
        return merged;
    }

    private static bool Close(Rect r, Size frame) => r.Width >= CloseUpShare * frame.Width || r.Height >= CloseUpShare * frame.Height;

    private static bool OneCloseFace(Rect a, Rect b, Size frame)
    {
        if (!Close(a, frame) || !Close(b, frame))
        {
            return false;
        }

        var shared = a.Intersect(b);
        long smaller = Math.Min((long)a.Width * a.Height, (long)b.Width * b.Height);
        return shared.Width > 0 && shared.Height > 0 && (long)shared.Width * shared.Height >= CloseUpOverlap * smaller;
    }

    /// <summary>
    /// <paramref name="faces"/> (one detector's sure faces) with one box per face, best first as NMS goes
    /// (<see cref="StandsFor"/>, on the face itself only: these faces are not verified, so a sure face in
    /// the corner of another's box stays a face whatever its width). UltraFace's NMS keeps two boxes on
    /// one face when they overlap less than its IoU: on a close-up, one on the face and one on an eye,
    /// or one on half of it and a wider one. Of those, the box that frames the face more wholly is kept,
    /// with its own score. Returns <paramref name="faces"/> itself when no two are one face, the usual image.
    /// </summary>
    public static IReadOnlyList<DetectedFace> OneBoxPerFace(IReadOnlyList<DetectedFace> faces, float nmsThreshold)
    {
        ArgumentNullException.ThrowIfNull(faces);
        bool any = false;
        for (int i = 1; i < faces.Count && !any; i++)
        {
            any = StandsFor(faces[i].Box, faces, 0, i, float.PositiveInfinity, nmsThreshold) != NewFace;
        }

        if (!any)
        {
            return faces;
        }

        var kept = new List<DetectedFace>(faces.Count);
        bool replaced = false;
        foreach (var face in faces.OrderByDescending(x => x.Score)) // stable: equal scores keep the detector's order
        {
            int at = StandsFor(face.Box, kept, 0, kept.Count, float.PositiveInfinity, nmsThreshold);
            if (at == NewFace)
            {
                kept.Add(face);
            }
            else if (at >= 0)
            {
                kept[at] = face;
                replaced = true;
            }
        }

        // A wider box with a lower score took a better one's place: best first again, as detectors return faces.
        return replaced ? [.. kept.OrderByDescending(x => x.Score)] : kept;
    }

    /// <summary>
    /// The whole-image detector's faces at <paramref name="threshold"/> or over; those under it (its
    /// unsure faces, when it ran lower) go to <c>_unsure</c>, to be verified as the extra passes' faces are.
    /// </summary>
    private IReadOnlyList<DetectedFace> SplitWhole(IReadOnlyList<DetectedFace> faces, float threshold)
    {
        _unsure.Clear();
        int sure = 0;
        foreach (var f in faces)
        {
            if (f.Score >= threshold)
            {
                sure++;
            }
            else
            {
                _unsure.Add(f);
            }
        }

        if (_unsure.Count == 0)
        {
            return faces; // the usual frame: no new list
        }

        var found = new List<DetectedFace>(sure);
        foreach (var f in faces)
        {
            if (f.Score >= threshold)
            {
                found.Add(f);
            }
        }

        return found;
    }

    /// <summary>
    /// Adds the faces of <paramref name="group"/> scored at least <paramref name="threshold"/> whose width lies
    /// in [<paramref name="minWidth"/>, <paramref name="maxWidth"/>) and that no face already in <paramref name="all"/>
    /// stands for, nor (<paramref name="withinGroup"/>) a better one of the group (<see cref="StandsFor"/>); one that
    /// frames such a face more wholly takes its place, in a group judged within itself (<paramref name="withinGroup"/>:
    /// the tiles' faces never replace one), unless the boxes are <paramref name="coarse"/>. Returns whether a face was replaced.
    /// </summary>
    private bool AddKept(List<DetectedFace> group, List<DetectedFace> all, float threshold, bool withinGroup, float minWidth = 0, float maxWidth = float.PositiveInfinity, bool coarse = false)
    {
        int before = all.Count;
        bool replaced = false;
        float ratio = PartRatio;
        bool mayReplace = withinGroup && !coarse;
        foreach (var f in group)
        {
            int count = withinGroup ? all.Count : before;
            if (f.Score < threshold || f.Box.Width < minWidth || f.Box.Width >= maxWidth)
            {
                continue;
            }

            int at = StandsFor(f.Box, all, 0, count, ratio, Options.NmsThreshold);
            if (at == NewFace)
            {
                all.Add(f);
            }
            else if (at >= 0 && mayReplace)
            {
                all[at] = f;
                replaced = true;
            }
        }

        return replaced;
    }

    /// <summary>Replaces <paramref name="into"/> with the faces of <c>_extra[start..end)</c> that passed the verifier.</summary>
    private void Split(IReadOnlyList<DetectedFace> verified, int start, int end, List<DetectedFace> into)
    {
        into.Clear();
        int v = 0;
        for (int i = 0; i < end && v < verified.Count; i++)
        {
            if (!ReferenceEquals(_extra[i], verified[v]))
            {
                continue;
            }

            v++;
            if (i >= start)
            {
                into.Add(_extra[i]);
            }
        }
    }

    /// <summary>
    /// Adds to the extra passes' faces those of <paramref name="faces"/> that no whole-image face stands for
    /// (<see cref="StandsFor"/>): new faces, and (<paramref name="mayReplace"/>) boxes that frame a whole-image
    /// face more wholly.
    /// </summary>
    private void AddUncovered(IReadOnlyList<DetectedFace> faces, IReadOnlyList<DetectedFace> found, bool mayReplace = true)
    {
        float ratio = PartRatio;
        foreach (var f in faces)
        {
            int at = StandsFor(f.Box, found, 0, found.Count, ratio, Options.NmsThreshold);
            if (at == NewFace || (at >= 0 && mayReplace))
            {
                _extra.Add(f);
            }
        }
    }

    /// <summary><see cref="StandsFor"/>: no face already kept stands for the box.</summary>
    public const int NewFace = -1;

    /// <summary><see cref="StandsFor"/>: a face already kept stands for the box (a part of it, a second box on it, or a box over two faces).</summary>
    public const int Covered = -2;

    // The centre rule's width ratio for the extra passes' faces: with a verifier to judge them, a much
    // narrower box in a kept face's corner is a face of its own; without one, never.
    private float PartRatio => _verification is null ? 0 : InnerFaceWidthRatio;

    /// <summary>
    /// How <paramref name="box"/> stands to the <paramref name="count"/> faces of <paramref name="faces"/> from
    /// <paramref name="start"/>: <see cref="Covered"/> when one stands for it, as they overlap as NMS would
    /// suppress or by the centre rule at <paramref name="minWidthRatio"/> (<see cref="FaceBoxes.SameFace"/>);
    /// but when the box is that one face's wider box, the face's centre on it, and NMS would have kept both
    /// (<see cref="FaceBoxes.Frames"/>: BlazeFace's box round a masked face, UltraFace's on its eyes), the
    /// index of that face, whose place it takes: the crop then shows the mask. <see cref="NewFace"/> when
    /// none stands for it.
    /// </summary>
    public static int StandsFor(Rect box, IReadOnlyList<DetectedFace> faces, int start, int count, float minWidthRatio, float nmsThreshold)
    {
        ArgumentNullException.ThrowIfNull(faces);
        int frames = NewFace;
        for (int i = start; i < start + count; i++)
        {
            var kept = faces[i].Box;
            bool overlaps = FaceBoxes.IoU(kept, box) > nmsThreshold;
            if (!overlaps && !FaceBoxes.SameFace(kept, box, minWidthRatio))
            {
                continue;
            }

            if (frames == NewFace && !overlaps && FaceBoxes.Frames(box, kept))
            {
                frames = i;
                continue;
            }

            return Covered; // a part or a second box, or a box over two kept faces
        }

        return frames;
    }

    private static float LowestDefault(IFaceDetector whole, IFaceDetector tiled, SecondPass? second, float? verifyWholeFrom)
    {
        ArgumentNullException.ThrowIfNull(whole);
        ArgumentNullException.ThrowIfNull(tiled);
        float lowest = Math.Min(whole.DefaultMinConfidence, tiled.DefaultMinConfidence);
        lowest = second is null ? lowest : Math.Min(lowest, second.MinConfidence);
        return verifyWholeFrom is { } from ? Math.Min(lowest, from) : lowest;
    }

    /// <summary>
    /// Whether <paramref name="box"/>, found in <paramref name="tile"/> (tile coordinates), touches an edge the
    /// tile shares with a neighbour (within 2 px): that face is cut there, and lies whole in the neighbour.
    /// </summary>
    public static bool CutByInnerEdge(Rect box, Rect tile, Size image)
    {
        const int edge = 2;
        return (tile.X > 0 && box.X <= edge) || (tile.Y > 0 && box.Y <= edge)
            || (tile.Right < image.Width && box.Right >= tile.Width - edge) || (tile.Bottom < image.Height && box.Bottom >= tile.Height - edge);
    }

    /// <summary>Adds faces found in <paramref name="tile"/> in image coordinates, without those cut by an inner tile edge.</summary>
    private void Add(IReadOnlyList<DetectedFace> faces, Rect tile, Size image)
    {
        foreach (var f in faces)
        {
            var b = f.Box;
            if (CutByInnerEdge(b, tile, image))
            {
                continue;
            }

            _candidates.Add(b.X + tile.X, b.Y + tile.Y, b.Right + tile.X, b.Bottom + tile.Y, f.Score, f.Landmarks is null ? null : Shift(f.Landmarks, tile));
        }
    }

    private static IReadOnlyList<Point2f>? Shift(IReadOnlyList<Point2f> points, Rect tile)
    {
        if (tile.X == 0 && tile.Y == 0)
        {
            return points;
        }

        var shifted = new Point2f[points.Count];
        for (int i = 0; i < shifted.Length; i++)
        {
            shifted[i] = new Point2f(points[i].X + tile.X, points[i].Y + tile.Y);
        }

        return shifted;
    }

    protected override void DisposeCore()
    {
        _whole.Dispose();
        if (!ReferenceEquals(_tiled, _whole))
        {
            _tiled.Dispose();
        }

        _second?.Detector.Dispose();
        _verification?.Dispose();
    }
}
