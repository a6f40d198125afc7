using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using OpenCvSharp;

namespace MaskTrainer.Tests.Faces;

/// <summary>The tiles of <see cref="TiledFaceDetector"/>, and what they add on real faces seen from a distance.</summary>
public sealed class TiledFaceDetectorTests
{
    private static readonly Size UltraFaceInput = InputOf(ModelCatalog.Default.Get(UltraFaceDetector.ModelId));

    [Fact]
    public void Small_images_are_not_tiled()
    {
        var tiles = new Rect[4];
        TiledFaceDetector.Tiles(new Size(320, 240), UltraFaceInput, ref tiles).Should().Be(0);
        TiledFaceDetector.Tiles(new Size(479, 359), UltraFaceInput, ref tiles).Should().Be(0);
    }

    [Theory]
    [InlineData(500, 375, 2, 2)]
    [InlineData(1280, 720, 2, 2)]
    [InlineData(1920, 1080, 3, 3)]
    [InlineData(1986, 1545, 4, 4)]
    public void Tiles_cover_the_image_overlap_and_are_shrunk_at_most_twice(int width, int height, int cols, int rows)
    {
        var tiles = new Rect[1];
        int n = TiledFaceDetector.Tiles(new Size(width, height), UltraFaceInput, ref tiles);

        n.Should().Be(cols * rows);
        var image = new Rect(0, 0, width, height);
        var covered = new bool[width, height];
        foreach (var t in tiles.Take(n))
        {
            t.Intersect(image).Should().Be(t, "a tile lies inside the image");
            (t.Width / (double)UltraFaceInput.Width).Should().BeLessThanOrEqualTo(TiledFaceDetector.MaxTileShrink / (1 - TiledFaceDetector.Overlap));
            (t.Height / (double)UltraFaceInput.Height).Should().BeLessThanOrEqualTo(TiledFaceDetector.MaxTileShrink / (1 - TiledFaceDetector.Overlap));
            for (int x = t.X; x < t.Right; x++)
            {
                for (int y = t.Y; y < t.Bottom; y++)
                {
                    covered[x, y] = true;
                }
            }
        }

        covered.Cast<bool>().Should().AllBeEquivalentTo(true, "every pixel lies in some tile");

        // Neighbours overlap by a quarter of a tile: a face that narrow is whole in one of them.
        var first = tiles[0];
        var right = tiles[1];
        (first.Right - right.X).Should().BeGreaterThanOrEqualTo((int)(TiledFaceDetector.Overlap * first.Width) - 1);
    }

    [Theory]
    [InlineData(500, 375, 9)]
    [InlineData(1280, 720, 24)]
    [InlineData(1920, 1080, 48)]
    [InlineData(1986, 1545, 64)]
    [InlineData(4000, 3000, 64)]
    public void Still_images_get_finer_tiles_never_shrunk_up_to_64_tiles(int width, int height, int expected)
    {
        var tiles = new Rect[1];
        int n = TiledFaceDetector.Tiles(new Size(width, height), UltraFaceInput, TiledFaceDetector.StillMaxTileShrink, TiledFaceDetector.MaxStillTiles, ref tiles);

        n.Should().BeLessThanOrEqualTo(expected).And.BeGreaterThan(expected * 3 / 4);
        var image = new Rect(0, 0, width, height);
        var covered = new bool[width, height];
        foreach (var t in tiles.Take(n))
        {
            t.Intersect(image).Should().Be(t, "a tile lies inside the image");
            for (int x = t.X; x < t.Right; x++)
            {
                for (int y = t.Y; y < t.Bottom; y++)
                {
                    covered[x, y] = true;
                }
            }
        }

        covered.Cast<bool>().Should().AllBeEquivalentTo(true, "every pixel lies in some tile");
        if (expected < TiledFaceDetector.MaxStillTiles)
        {
            n.Should().Be(expected);
            (tiles[0].Width / (double)UltraFaceInput.Width).Should().BeLessThanOrEqualTo(TiledFaceDetector.StillMaxTileShrink / (1 - TiledFaceDetector.Overlap));
        }
        else
        {
            var grid = (tiles.Take(n).Select(t => t.X).Distinct().Count(), tiles.Take(n).Select(t => t.Y).Distinct().Count());
            grid.Should().Be((8, 8), "capped at 64 tiles, the grid stays as square as the photo's aspect allows");
        }
    }

    [SharedFact("data/faces-dlib", "models")]
    public void Finds_faces_too_small_for_the_whole_frame_and_keeps_the_whole_frame_faces()
    {
        // The three faces of the photo (~100 px) at 40% in a 1280x720 frame: ~40 px faces, 10 px at
        // UltraFace's whole-frame input, 17 px in a tile.
        using var photo = FaceTestData.Read(FaceTestData.Faces3);
        using var small = new Mat();
        Cv2.Resize(photo, small, new Size(photo.Cols * 2 / 5, photo.Rows * 2 / 5), interpolation: InterpolationFlags.Area);
        using var frame = new Mat(720, 1280, MatType.CV_8UC3, new Scalar(90, 100, 110));
        small.CopyTo(new Mat(frame, new Rect(700, 400, small.Cols, small.Rows)));

        var alone = FaceTestData.Detector(UltraFaceDetector.ModelId).Detect(frame);
        var tiled = FaceTestData.Detector(FaceDetectors.UltraFaceTilesId).Detect(frame);

        var truth = FaceTestData.Labels[FaceTestData.Faces3]
            .Select(f => f with { Box = new Rect(700 + f.Box.X * 2 / 5, 400 + f.Box.Y * 2 / 5, f.Box.Width * 2 / 5, f.Box.Height * 2 / 5) }).ToList();
        var byAlone = FaceMatch.Compare(truth, alone);
        var byTiles = FaceMatch.Compare(truth, tiled);
        byAlone.Found.Should().BeLessThanOrEqualTo(1, "UltraFace alone sees the frame at a quarter of its size");
        byTiles.Found.Should().Be(3, $"the tiles see these faces 1.7x larger; found {string.Join(", ", tiled.Select(f => f.Box))}");
        byTiles.FalsePositives.Should().Be(0);
        tiled.Select(f => f.Box).Should().Contain(alone.Select(f => f.Box), "the whole-frame faces are kept as they are");
    }

    [SharedFact("data/faces-dlib", "models")]
    public void On_a_large_photo_the_whole_frame_faces_are_UltraFaces_own()
    {
        using var photo = FaceTestData.Read(FaceTestData.Faces3);
        using var large = new Mat();
        Cv2.Resize(photo, large, new Size(1000, 750));

        var alone = FaceTestData.Detector(UltraFaceDetector.ModelId).Detect(large);
        var tiled = FaceTestData.Detector(FaceDetectors.UltraFaceTilesId).Detect(large);

        alone.Should().HaveCount(3);
        tiled.Should().HaveCount(3, $"the tiles' faces are the same faces, so they add nothing; found {string.Join(", ", tiled.Select(f => $"{f.Box} {f.Score:0.00}"))}, alone {string.Join(", ", alone.Select(f => f.Box))}");
        tiled.Select(f => f.Box).Should().BeEquivalentTo(alone.Select(f => f.Box));
    }

    [SharedFact("data/mask-sample/with_mask", "models")]
    public void The_second_pass_finds_a_masked_face_UltraFace_misses()
    {
        // A masked close-up padded as the training crops are: UltraFace scores it under its
        // threshold; BlazeFace-back finds it, and the verifier passes it both ways.
        using var photo = ImageCodec.Read(SharedData.Full("data/mask-sample/with_mask/0_0_5.jpg"));
        using var padded = FaceTestData.Pad(photo, 0.25f);
        var inside = new Rect((int)Math.Round(photo.Cols * 0.25), (int)Math.Round(photo.Rows * 0.25), photo.Cols, photo.Rows);

        var alone = FaceTestData.Detector(UltraFaceDetector.ModelId).Detect(padded);
        var layered = FaceTestData.Detector(FaceDetectors.UltraFaceBackTilesId).Detect(padded);

        alone.Should().BeEmpty();
        layered.Should().ContainSingle();
        layered[0].Box.Intersect(inside).Area.Should().BeGreaterThan(layered[0].Box.Area / 2, $"the face lies in the photo, got {layered[0].Box}");
        ((IVerifiedFaceDetector)FaceTestData.Detector(FaceDetectors.UltraFaceBackTilesId)).Verification!.BothWays.Should().BeTrue();
    }

    [SharedFact("data/mask-sample/with_mask", "models")]
    public void On_video_frames_the_masked_face_is_in_every_frame_though_the_second_pass_runs_on_every_other()
    {
        // The padded masked close-up, enlarged to 524x708 so that it is tiled: as a run of video
        // frames, BlazeFace-back runs on frames 0 and 2, the tiles (which miss this face, as
        // UltraFace does) on 1 and 3, where BlazeFace-back's face of the frame before stands in.
        using var photo = ImageCodec.Read(SharedData.Full("data/mask-sample/with_mask/0_0_5.jpg"));
        using var padded = FaceTestData.Pad(photo, 0.25f);
        using var frame = new Mat();
        Cv2.Resize(padded, frame, new Size(), 3.2, 3.2, InterpolationFlags.Area);
        using var video = FaceDetectors.Create(FaceDetectors.UltraFaceBackTilesId, FaceTestData.Store, new FaceDetectorOptions { ConsecutiveFrames = true });
        var photoFaces = FaceTestData.Detector(FaceDetectors.UltraFaceBackTilesId).Detect(frame);

        var frames = Enumerable.Range(0, 4).Select(_ => video.Detect(frame).Select(f => f.Box).ToList()).ToList();

        photoFaces.Should().ContainSingle();
        FaceTestData.Detector(FaceDetectors.UltraFaceTilesId).Detect(frame).Should().BeEmpty("UltraFace misses it, whole and tiled");
        using (var tilesOnVideo = FaceDetectors.Create(FaceDetectors.UltraFaceTilesId, FaceTestData.Store, new FaceDetectorOptions { ConsecutiveFrames = true }))
        {
            Enumerable.Range(0, 2).Select(_ => tilesOnVideo.Detect(frame).Count).Should().Equal([0, 0], "nor do the video frames' coarser tiles");
        }

        frames.Should().AllSatisfy(boxes => boxes.Should().Equal([photoFaces[0].Box], "the same face, found or standing in"));
    }

    [SharedFact("data/mask-sample/with_mask", "models")]
    public void A_masked_face_UltraFace_is_unsure_of_is_kept_when_the_verifier_passes_it()
    {
        // 180.jpg padded: UltraFace's best box on the face scores about 0.48 (under its 0.7), and
        // BlazeFace-back's about 0.29, which the verifier turns down; UltraFace's box passes it both ways.
        using var photo = ImageCodec.Read(SharedData.Full("data/mask-sample/with_mask/180.jpg"));
        using var padded = FaceTestData.Pad(photo, 0.25f);
        var inside = new Rect((int)Math.Round(photo.Cols * 0.25), (int)Math.Round(photo.Rows * 0.25), photo.Cols, photo.Rows);

        var unsure = FaceTestData.Detector(UltraFaceDetector.ModelId).Detect(padded, FaceDetectors.UnsureUltraFaceFrom);
        var layered = FaceTestData.Detector(FaceDetectors.UltraFaceBackTilesId).Detect(padded);

        FaceTestData.Detector(UltraFaceDetector.ModelId).Detect(padded).Should().BeEmpty("UltraFace alone scores it under 0.7");
        unsure.Should().NotBeEmpty();
        layered.Should().ContainSingle($"got {string.Join(", ", layered.Select(f => $"{f.Box} {f.Score:0.00}"))}");
        layered[0].Box.Should().Be(unsure[0].Box, "UltraFace's own box, verified");
        layered[0].Box.Intersect(inside).Area.Should().BeGreaterThan(layered[0].Box.Area / 2);
    }

    [Fact]
    public void The_whole_image_passs_unsure_faces_need_a_verifier_and_a_threshold_under_its_own()
    {
        var whole = new FixedFaces("whole", 0.7f, [new DetectedFace(new Rect(10, 10, 60, 60), 0.5f)]);

        FluentActions.Invoking(() => new TiledFaceDetector("test", whole, whole, new Size(320, 240), verifyWholeFrom: 0.3f))
            .Should().ThrowExactly<ArgumentException>().Which.ParamName.Should().Be("verifyWholeFrom");
        foreach (float from in new[] { 0.8f, -0.1f })
        {
            FluentActions.Invoking(() => new TiledFaceDetector("test", whole, whole, new Size(320, 240), verifyWholeFrom: from))
                .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("verifyWholeFrom");
        }

        using var detector = new TiledFaceDetector("test", whole, whole, new Size(320, 240));
        using var image = new Mat(200, 300, MatType.CV_8UC3, Scalar.All(128));
        detector.Detect(image).Should().BeEmpty("without verifyWholeFrom the whole-image pass keeps its own threshold");
    }

    [SharedFact("data/mask-sample/with_mask", "models")]
    public void A_close_up_gets_one_face_not_two()
    {
        // The same masked photo as it is (109x148, the face fills it): BlazeFace-back finds the
        // face twice, 0.49 and 0.29, two boxes overlapping less than its NMS removes; the
        // weaker one's centre lies in the stronger box, so it is the same face.
        using var photo = ImageCodec.Read(SharedData.Full("data/mask-sample/with_mask/0_0_5.jpg"));

        var faces = FaceTestData.Detector(FaceDetectors.UltraFaceBackTilesId).Detect(photo);

        faces.Should().ContainSingle($"got {string.Join(", ", faces.Select(f => $"{f.Box} {f.Score:0.00}"))}");
    }

    [SharedFact("data/faces-dlib", "models")]
    public void With_a_second_pass_the_whole_frame_faces_are_still_UltraFaces_own()
    {
        using var photo = FaceTestData.Read(FaceTestData.Faces3);

        var alone = FaceTestData.Detector(UltraFaceDetector.ModelId).Detect(photo);
        var layered = FaceTestData.Detector(FaceDetectors.UltraFaceBackTilesId).Detect(photo);

        alone.Should().HaveCount(3);
        layered.Select(f => f.Box).Should().BeEquivalentTo(alone.Select(f => f.Box), "BlazeFace-back finds the same three faces, which add nothing");
    }

    [Fact]
    public void The_second_pass_adds_only_faces_the_first_missed_and_one_box_per_face()
    {
        // The merge rules on fixed boxes (the networks are tested on real photos above): an image
        // under 1.5x the input is not tiled, so only the whole-image pass and the second pass run.
        using var image = new Mat(200, 300, MatType.CV_8UC3, Scalar.All(128));
        var whole = new FixedFaces("whole", 0.7f, [new DetectedFace(new Rect(10, 10, 60, 60), 0.9f)]);
        var second = new FixedFaces("second", 0.5f,
        [
            new DetectedFace(new Rect(150, 40, 80, 80), 0.49f), // a face the first pass missed
            new DetectedFace(new Rect(15, 15, 50, 50), 0.45f), // the first pass's face again: covered
            new DetectedFace(new Rect(140, 30, 60, 60), 0.29f), // a second box on the missed face: its centre lies in the better box
            new DetectedFace(new Rect(240, 140, 40, 40), 0.2f), // under the second pass's threshold
        ]);
        using var detector = new TiledFaceDetector("test", whole, whole, new Size(320, 240), second: new SecondPass(second, 0.25f));

        var faces = detector.Detect(image);

        detector.DefaultMinConfidence.Should().Be(0.25f, "the lowest member threshold");
        second.LastThreshold.Should().Be(0.25f);
        faces.Select(f => f.Box).Should().Equal(new Rect(10, 10, 60, 60), new Rect(150, 40, 80, 80));
        detector.Detect(image, 0.6f).Should().ContainSingle("a caller's threshold raises the second pass's too");
        second.LastThreshold.Should().Be(0.6f);
    }

    [Fact]
    public void On_consecutive_frames_the_second_pass_and_the_tiles_take_turns_and_their_faces_stand_in_between()
    {
        // 640x480 for a 320x240 input: 2x2 tiles (366x275 at x 0 / 274, y 0 / 205).
        using var image = new Mat(480, 640, MatType.CV_8UC3, Scalar.All(128));
        var wholeFaces = new List<DetectedFace> { new(new Rect(300, 200, 60, 60), 0.9f) };
        var whole = new FixedFaces("whole", 0.7f, wholeFaces);
        var tiles = new FixedFaces("tiles", 0.7f, [new DetectedFace(new Rect(100, 100, 30, 30), 0.8f)]); // tile coordinates: one face per tile
        var second = new FixedFaces("second", 0.5f, [new DetectedFace(new Rect(500, 40, 70, 70), 0.4f)]);
        using var detector = new TiledFaceDetector("test", whole, tiles, new Size(320, 240),
            new FaceDetectorOptions { ConsecutiveFrames = true }, second: new SecondPass(second, 0.25f));
        var secondFace = new Rect(500, 40, 70, 70);
        Rect[] tileFaces = [new(100, 100, 30, 30), new(374, 100, 30, 30), new(100, 305, 30, 30), new(374, 305, 30, 30)];

        var first = detector.Detect(image);
        (second.Calls, tiles.Calls).Should().Be((1, 0), "the first frame runs the second pass only");
        first.Select(f => f.Box).Should().BeEquivalentTo([wholeFaces[0].Box, secondFace]);

        var next = detector.Detect(image);
        (second.Calls, tiles.Calls).Should().Be((1, 4), "the next frame runs the tiles only");
        next.Select(f => f.Box).Should().BeEquivalentTo([wholeFaces[0].Box, secondFace, .. tileFaces], "the second pass's face stands in");

        var third = detector.Detect(image);
        (second.Calls, tiles.Calls).Should().Be((2, 4), "then the second pass again");
        third.Select(f => f.Box).Should().BeEquivalentTo([wholeFaces[0].Box, secondFace, .. tileFaces], "the tiles' faces stand in");

        // The whole-image pass now finds the second pass's face itself: the held box gives way to it.
        wholeFaces.Add(new DetectedFace(new Rect(505, 45, 70, 70), 0.95f));
        var last = detector.Detect(image);
        (second.Calls, tiles.Calls).Should().Be((2, 8));
        last.Select(f => f.Box).Should().BeEquivalentTo([wholeFaces[0].Box, wholeFaces[1].Box, .. tileFaces]);

        // A held face answers to this call's threshold, which may be higher than the one it was found at.
        wholeFaces.RemoveAt(1);
        detector.Detect(image).Should().HaveCount(2 + tileFaces.Length, "the second pass's face found again");
        detector.Detect(image, 0.6f).Select(f => f.Box).Should().BeEquivalentTo([wholeFaces[0].Box, .. tileFaces], "the held 0.4 face is under 0.6");
        detector.Detect(image, 0.9f).Select(f => f.Box).Should().BeEquivalentTo([wholeFaces[0].Box], "the held 0.8 tile faces are under 0.9");

        // Photos are judged on their own: every pass on every image, nothing held.
        var photoTiles = new FixedFaces("tiles", 0.7f, []);
        var photoSecond = new FixedFaces("second", 0.5f, [new DetectedFace(new Rect(500, 40, 70, 70), 0.4f)]);
        using var photos = new TiledFaceDetector("test", new FixedFaces("whole", 0.7f, []), photoTiles, new Size(320, 240), second: new SecondPass(photoSecond, 0.25f));
        photos.Detect(image).Should().ContainSingle();
        photoSecond.Faces = [];
        photos.Detect(image).Should().BeEmpty("without ConsecutiveFrames no face stands in for a pass");
        photoTiles.Faces = [new DetectedFace(new Rect(60, 60, 30, 30), 0.8f)];
        photos.Detect(image).Should().HaveCount(9, "one face per tile");
        photoTiles.Faces = [];
        photos.Detect(image);
        var grid = new Rect[1];
        int stillTiles = TiledFaceDetector.Tiles(image.Size(), new Size(320, 240), TiledFaceDetector.StillMaxTileShrink, TiledFaceDetector.MaxStillTiles, ref grid);
        stillTiles.Should().Be(9, "a photo's tiles are finer than a video frame's 2x2");
        (photoSecond.Calls, photoTiles.Calls).Should().Be((4, 4 * stillTiles));
    }

    [Fact]
    public void A_face_two_passes_find_keeps_one_passs_box_on_every_frame()
    {
        // 640x480, 2x2 tiles (x 0 / 274, y 0 / 205): the tile face at (230, 45) of the top-right tile
        // is the second-pass face (500, 40), a little moved. The second pass runs on even frames and
        // the tiles on odd ones; the same box is reported on both, so the face does not change shape.
        using var image = new Mat(480, 640, MatType.CV_8UC3, Scalar.All(128));
        var tiles = new FixedFaces("tiles", 0.7f, [new DetectedFace(new Rect(230, 45, 60, 60), 0.8f)]);
        var second = new FixedFaces("second", 0.5f, [new DetectedFace(new Rect(500, 40, 70, 70), 0.4f)]);
        using var detector = new TiledFaceDetector("test", new FixedFaces("whole", 0.7f, []), tiles, new Size(320, 240),
            new FaceDetectorOptions { ConsecutiveFrames = true }, second: new SecondPass(second, 0.25f));

        var frames = Enumerable.Range(0, 4).Select(_ => detector.Detect(image).Select(f => f.Box).ToList()).ToList();

        frames[0].Should().Equal(new Rect(500, 40, 70, 70));
        frames.Should().AllSatisfy(boxes => boxes.Should().Contain(new Rect(500, 40, 70, 70)).And.NotContain(new Rect(504, 45, 60, 60)));
        frames.Skip(1).Should().AllSatisfy(boxes => boxes.Should().HaveCount(4, "the face and the tiles' three others"));

        // Frames too small to tile: no turns, and nothing held from the tiled frames.
        using var small = new Mat(240, 320, MatType.CV_8UC3, Scalar.All(128));
        second.Faces = [];
        detector.Detect(small).Should().BeEmpty("the tiles' faces of a larger frame do not stand in");
    }

    [Fact]
    public void A_face_small_for_the_whole_image_passes_keeps_the_tiles_box()
    {
        // 640x480 for a 320x240 input: 2x2 tiles, and a whole-image face under CoarseFaceWidth (24)
        // px of the input is under 48 px here. The second pass's 30 px box and the tile's 24 px box
        // are one face: the tile saw it larger, so its box is kept, on every frame. A small face no
        // tile found is still reported, and a large second-pass face still comes before the tiles'.
        using var image = new Mat(480, 640, MatType.CV_8UC3, Scalar.All(128));
        var tileFace = new Rect(104, 104, 24, 24); // in the top-left tile, at the same place in the image
        var tiles = new FixedFaces("tiles", 0.7f, [new DetectedFace(tileFace, 0.8f)]);
        var second = new FixedFaces("second", 0.5f,
        [
            new DetectedFace(new Rect(100, 100, 30, 30), 0.4f), // the tile's face, boxed coarsely
            new DetectedFace(new Rect(112, 92, 36, 36), 0.38f), // the same face, a coarse box larger and off: it holds the tile box's centre
            new DetectedFace(new Rect(200, 420, 30, 30), 0.35f), // a small face no tile found
            new DetectedFace(new Rect(480, 20, 70, 70), 0.3f), // large: before the tiles, as before
        ]);
        using var detector = new TiledFaceDetector("test", new FixedFaces("whole", 0.7f, []), tiles, new Size(320, 240),
            new FaceDetectorOptions { ConsecutiveFrames = true }, second: new SecondPass(second, 0.25f));

        var frames = Enumerable.Range(0, 4).Select(_ => detector.Detect(image).Select(f => f.Box).ToList()).ToList();

        frames[0].Should().BeEquivalentTo([new Rect(100, 100, 30, 30), new Rect(200, 420, 30, 30), new Rect(480, 20, 70, 70)],
            "before the tiles first run, the second pass's boxes are all there is, one per face");
        frames.Skip(1).Should().AllSatisfy(boxes => boxes.Should().Contain([tileFace, new Rect(200, 420, 30, 30), new Rect(480, 20, 70, 70)])
            .And.NotContain([new Rect(100, 100, 30, 30), new Rect(112, 92, 36, 36)]));
    }

    [SharedFact("models")]
    public void A_face_far_narrower_than_the_near_face_whose_box_holds_it_is_a_face_of_its_own()
    {
        // Fixed boxes, the real verifier at a bar of 0 (it passes every box). A near face's 800 px box
        // holds the centres of a 100 px face in its corner (an eighth as wide: a face further away,
        // e.g. over a shoulder), of a second 98 px box on that far face, of a 150 px box (a part of the
        // near face, or a second box on it), and of a 100 px box centred on the near face itself (its
        // nose: a face there would be hidden behind the near one). The far face is kept once; neither
        // part is. All are at least CoarseFaceWidth (96 px of this frame), so the usual merge decides,
        // not the coarse-box rule.
        using var image = new Mat(720, 1280, MatType.CV_8UC3, Scalar.All(128));
        var near = new DetectedFace(new Rect(200, 0, 800, 700), 0.99f);
        var far = new DetectedFace(new Rect(250, 40, 100, 100), 0.9f);
        var again = new DetectedFace(new Rect(254, 44, 98, 98), 0.85f);
        var part = new DetectedFace(new Rect(500, 300, 150, 150), 0.8f);
        var onFace = new DetectedFace(new Rect(550, 300, 100, 100), 0.8f);
        FaceBoxes.OnFace(near.Box, FaceBoxes.Centre(far.Box)).Should().BeFalse("the far face lies in the near box's corner");
        using var verifier = FaceVerifier.Create(FaceTestData.Store);
        using var detector = MergeOf([near], [far, again, part, onFace], verifier);

        detector.Detect(image).Select(f => f.Box).Should().BeEquivalentTo([near.Box, far.Box]);
        TiledFaceDetector.InnerFaceWidthRatio.Should().BeInRange(100f / 800 + 0.01f, 150f / 800);

        // Without a verifier nothing would judge the far box, so the centre rule holds for every width.
        using var unverified = MergeOf([near], [far, again, part, onFace], verifier: null);
        unverified.Detect(image).Select(f => f.Box).Should().BeEquivalentTo([near.Box]);
    }

    [SharedFact("models")]
    public void Two_boxes_on_one_face_are_one_face_and_the_box_round_the_whole_face_is_kept()
    {
        // Fixed boxes, the real verifier at a bar of 0 (it passes every box). UltraFace's sure boxes:
        // one on the eyes of a face (a masked face, whose lower half it does not see), a second box on
        // an eye, and a far face in the face's corner, too narrow to be part of it. The second pass
        // boxes the whole face (as BlazeFace does round a masked face): its box overlaps the eyes' box
        // less than NMS removes and holds its centre, so it takes that box's place; a box over the face
        // and a neighbour stands for two faces and is dropped; a face elsewhere is added.
        using var image = new Mat(480, 640, MatType.CV_8UC3, Scalar.All(128));
        var eyes = new DetectedFace(new Rect(140, 120, 120, 60), 0.91f);
        var eye = new DetectedFace(new Rect(200, 160, 30, 25), 0.75f);
        var far = new DetectedFace(new Rect(102, 102, 20, 20), 0.8f);
        var neighbour = new DetectedFace(new Rect(330, 120, 100, 110), 0.9f);
        var face = new DetectedFace(new Rect(100, 100, 200, 240), 0.6f);
        var both = new DetectedFace(new Rect(90, 90, 350, 260), 0.55f);
        var elsewhere = new DetectedFace(new Rect(480, 250, 120, 140), 0.5f);
        FaceBoxes.IoU(face.Box, eyes.Box).Should().BeLessThan(0.3f, "NMS kept both");
        using var verifier = FaceVerifier.Create(FaceTestData.Store);
        using var detector = MergeOf([eyes, eye, far, neighbour], [face, both, elsewhere], verifier);

        detector.Detect(image).Select(f => f.Box).Should().BeEquivalentTo([face.Box, far.Box, neighbour.Box, elsewhere.Box]);
    }

    [Fact]
    public void UltraFaces_own_boxes_on_one_face_become_one_the_wider_kept()
    {
        // A tilted close-up (with_mask/0_0_13 copy 5.jpg, padded): UltraFace boxed half the face at
        // 0.99 and the face wider at 0.91, overlapping 0.24, under its NMS's 0.3. The wider box holds
        // the half's centre on its face, so it is kept, with its own score; an eye's box goes.
        var half = new DetectedFace(new Rect(68, 52, 58, 76), 0.99f);
        var wider = new DetectedFace(new Rect(11, 29, 95, 110), 0.91f);
        var eye = new DetectedFace(new Rect(40, 60, 20, 15), 0.8f);
        var other = new DetectedFace(new Rect(300, 40, 90, 100), 0.85f);

        TiledFaceDetector.OneBoxPerFace([half, wider, eye, other], 0.3f).Should().Equal(wider, other);
        var better = other with { Score = 0.95f };
        TiledFaceDetector.OneBoxPerFace([half, better, wider], 0.3f).Should().Equal([better, wider], "best first, though the wider box took the 0.99 box's place");
        var apart = new List<DetectedFace> { half, other };
        TiledFaceDetector.OneBoxPerFace(apart, 0.3f).Should().BeSameAs(apart, "nothing to drop: the same list");

        // Not verified, so a sure face in another's corner stays, whatever its width.
        var near = new DetectedFace(new Rect(100, 100, 200, 240), 0.95f);
        var beside = new DetectedFace(new Rect(102, 102, 40, 40), 0.9f);
        TiledFaceDetector.OneBoxPerFace([near, beside], 0.3f).Should().Equal(near, beside);
    }

    [SharedFact("data/mask-sample/with_mask", "models")]
    public void Masked_close_ups_get_one_box_not_a_second_on_their_eyes()
    {
        // Padded by 25 % as training and the bench pad them. Each had two boxes on the one face:
        // 131.jpg UltraFace's on the eyes (0.91) and BlazeFace-back's round the whole face (0.52);
        // 0_0_15.jpg two of UltraFace's own (the face 0.96, an eye 0.71); 41.jpg UltraFace's unsure
        // box on the eyes (0.42) kept before BlazeFace-back's on the face (0.83). The one box left
        // must be the face's, or the classifier would not see the mask.
        foreach (var name in new[] { "131.jpg", "0_0_15.jpg", "41.jpg" })
        {
            using var photo = ImageCodec.Read(SharedData.Full("data/mask-sample/with_mask/" + name));
            using var padded = new Mat();
            Cv2.CopyMakeBorder(photo, padded, photo.Rows / 4, photo.Rows / 4, photo.Cols / 4, photo.Cols / 4, BorderTypes.Replicate);

            var faces = FaceTestData.Detector(FaceDetectors.LiveId).Detect(padded);

            string got = $"{name}: got {string.Join(", ", faces.Select(f => $"{f.Box} {f.Score:0.00}"))}";
            faces.Should().ContainSingle(got);
            faces[0].Box.Area.Should().BeGreaterThan(photo.Cols * photo.Rows / 3, $"the face fills the photo: the box round it, not the eyes'. {got}");
        }
    }

    [Fact]
    public void Two_overlapping_boxes_each_a_third_of_the_frame_are_one_face_close_up_smaller_or_apart_they_stay_two()
    {
        var frame = new Size(280, 409);
        // 0_0_0 copy 95.jpg as it is: UltraFace boxes each half of a face that fills the photo.
        var right = new DetectedFace(new Rect(118, 41, 146, 179), 0.99f, [new Point2f(150, 100)]);
        var left = new DetectedFace(new Rect(15, 80, 154, 178), 0.98f);

        var one = TiledFaceDetector.OneBoxPerCloseUp([left, right], frame);

        one.Should().ContainSingle().Which.Should().Be(right with { Box = Rect.FromLTRB(15, 41, 264, 258) }, "the box round both halves, with the better box's score and points");
        // Two faces side by side, as large: boxes that do not overlap are two people.
        var apart = new DetectedFace(new Rect(140, 80, 130, 170), 0.9f);
        var beside = new DetectedFace(new Rect(5, 80, 130, 170), 0.8f);
        TiledFaceDetector.OneBoxPerCloseUp([apart, beside], frame).Should().Equal(apart, beside);
        // The same overlap at a distance (each under 0.3 of the frame): the usual rules decide.
        var far = new Size(2800, 4090);
        TiledFaceDetector.OneBoxPerCloseUp([left, right], far).Should().Equal(left, right);
        // A touch of overlap (under 5 % of the smaller box) is two faces cheek to cheek.
        var cheek = new DetectedFace(new Rect(130, 80, 130, 170), 0.9f);
        TiledFaceDetector.OneBoxPerCloseUp([cheek, beside], frame).Should().Equal(cheek, beside);
    }

    [SharedFact("data/mask-sample/with_mask", "models")]
    public void A_masked_face_that_fills_the_photo_gets_one_box_not_one_on_each_half_or_eye()
    {
        // mask-sample's photos as they are: tight crops, a face as close as a webcam sees one leaning in.
        // UltraFace boxed each half of the first (0.99 and 0.99: a "No Mask" half before session 20,
        // both labelled, and a false "too close" alert between them), each eye of the second.
        foreach (var name in new[] { "0_0_0 copy 95.jpg", "0_0_0 copy 30.jpg" })
        {
            using var photo = ImageCodec.Read(SharedData.Full("data/mask-sample/with_mask/" + name));

            var faces = FaceTestData.Detector(FaceDetectors.LiveId).Detect(photo);

            string got = $"{name}: got {string.Join(", ", faces.Select(f => $"{f.Box} {f.Score:0.00}"))}";
            faces.Should().ContainSingle(got);
            faces[0].Box.Width.Should().BeGreaterThan(photo.Cols * 2 / 3, $"the box round the face, not half of it. {got}");
        }
    }

    [SharedFact("data/faces-dlib", "models")]
    public void A_face_in_the_corner_of_a_close_ups_box_is_found_one_pasted_on_its_face_is_part_of_it()
    {
        // faces-dlib's close-up portrait (one face, most of the photo) with a face of another photo
        // pasted 40 px wide inside the close-up's box: in its top-left corner, beside the face (a face
        // further away: before session 13 it counted as part of the close-up and was dropped), and on
        // its forehead, where no camera sees a face (it would be behind the near one): part of it.
        using var portrait = FaceTestData.Read("Tom_Cruise_avp_2014_4.jpg");
        var detector = FaceTestData.Detector(FaceDetectors.LiveId); // shared: not disposed here
        var alone = detector.Detect(portrait);
        alone.Should().ContainSingle("the portrait has one face");
        var big = alone[0].Box;

        using var source = FaceTestData.Read(FaceTestData.Faces3);
        var face = FaceTestData.Labels[FaceTestData.Faces3][2].Box; // 90 px
        var around = new Rect(face.X - face.Width / 3, face.Y - face.Height / 3, face.Width * 5 / 3, face.Height * 5 / 3);
        using var crop = new Mat(source, around);
        using var small = new Mat();
        double scale = 40.0 / face.Width;
        Cv2.Resize(crop, small, new Size((int)(around.Width * scale), (int)(around.Height * scale)), interpolation: InterpolationFlags.Area);

        (IReadOnlyList<DetectedFace> Faces, Rect Pasted) PastedAt(Point at)
        {
            using var scene = portrait.Clone();
            using (var roi = new Mat(scene, new Rect(at, small.Size())))
            {
                small.CopyTo(roi);
            }

            var pasted = new Rect(at.X + (int)((face.X - around.X) * scale), at.Y + (int)((face.Y - around.Y) * scale), 40, 40);
            big.Contains(FaceBoxes.Centre(pasted)).Should().BeTrue("the pasted face lies inside the close-up's box");
            return (detector.Detect(scene), pasted);
        }

        var (inCorner, corner) = PastedAt(new Point(big.X + 2, big.Y + 2));
        FaceBoxes.OnFace(big, FaceBoxes.Centre(corner)).Should().BeFalse();
        var described = string.Join(", ", inCorner.Select(f => $"{f.Box} {f.Score:0.00}"));
        inCorner.Should().Contain(f => FaceBoxes.IoU(f.Box, corner) >= 0.4f, $"the face in the corner at {corner}; found {described}");
        inCorner.Should().Contain(f => FaceBoxes.IoU(f.Box, big) >= 0.5f, $"the close-up's face is still found; found {described}");

        var (onForehead, forehead) = PastedAt(new Point(big.X + big.Width / 5, big.Y + big.Height / 10));
        FaceBoxes.OnFace(big, FaceBoxes.Centre(forehead)).Should().BeTrue();
        onForehead.Should().ContainSingle(f => FaceBoxes.IoU(f.Box, big) >= 0.5f, "the close-up's face, once")
            .And.HaveCount(1, $"the face on the forehead is part of it; found {string.Join(", ", onForehead.Select(f => $"{f.Box} {f.Score:0.00}"))}");
    }

    [SharedFact("data/faces-dlib", "models")]
    public void Faces_far_away_get_the_tiles_boxes_not_the_whole_image_passes_coarse_ones()
    {
        // The three faces of the photo (~100 px) at 25 % in a 1280x720 frame: ~24 px faces, 6 px at
        // the whole-image passes' scale, where their boxes are a few pixels off; a tile sees them at
        // 2x that. Before the tiles' boxes were preferred, one face got a coarse box (IoU under 0.4),
        // counted once as missed and once as a false face. Every one is found, and no second box.
        using var photo = FaceTestData.Read(FaceTestData.Faces3);
        using var small = new Mat();
        Cv2.Resize(photo, small, new Size(photo.Cols / 4, photo.Rows / 4), interpolation: InterpolationFlags.Area);
        using var frame = new Mat(720, 1280, MatType.CV_8UC3, new Scalar(114, 114, 114));
        small.CopyTo(new Mat(frame, new Rect(600, 300, small.Cols, small.Rows)));
        var truth = FaceTestData.Labels[FaceTestData.Faces3].Select(f => f with
        {
            Box = new Rect(600 + (int)Math.Round(f.Box.X / 4.0), 300 + (int)Math.Round(f.Box.Y / 4.0), (int)Math.Round(f.Box.Width / 4.0), (int)Math.Round(f.Box.Height / 4.0)),
        }).ToList();

        var faces = FaceTestData.Detector(FaceDetectors.LiveId).Detect(frame);

        var match = FaceMatch.Compare(truth, faces);
        match.Found.Should().Be(3, $"found {string.Join(", ", faces.Select(f => $"{f.Box} {f.Score:0.00}"))}");
        match.FalsePositives.Should().Be(0);
    }

    [SharedFact("models")]
    public void The_whole_image_passs_unsure_faces_are_verified_kept_first_and_answer_to_the_callers_threshold()
    {
        // Fixed boxes, with the real verifier at a bar of 0 (it passes every box): how the unsure
        // faces are merged. A: sure; U: unsure (0.5, between 0.3 and 0.7); L: under 0.3; S1: the
        // second pass on U's face; S2: a face only the second pass finds.
        using var verifier = FaceVerifier.Create(FaceTestData.Store);
        Rect a = new(10, 10, 60, 60), u = new(150, 40, 80, 80), l = new(240, 140, 40, 40), s1 = new(155, 45, 70, 70), s2 = new(20, 120, 50, 50);
        var whole = new FixedFaces("whole", 0.7f, [new(a, 0.9f), new(u, 0.5f), new(l, 0.2f)]);
        var second = new FixedFaces("second", 0.5f, [new(s1, 0.45f), new(s2, 0.3f)]);
        using var detector = new TiledFaceDetector("test", whole, whole, new Size(320, 240), null,
            new FaceVerification(verifier, 0, bothWays: true), new SecondPass(second, 0.25f), verifyWholeFrom: 0.3f);
        using var image = new Mat(200, 300, MatType.CV_8UC3, Scalar.All(128));

        detector.Detect(image).Select(f => f.Box).Should().Equal([a, u, s2], "U's own box, not the second pass's");
        whole.LastThreshold.Should().Be(0.3f, "the whole-image pass runs down to the unsure faces");
        detector.Detect(image, 0.4f).Select(f => f.Box).Should().Equal([a, u]);
        detector.Detect(image, 0.6f).Select(f => f.Box).Should().Equal([a], "U is under 0.6");

        // On video frames (tiled, so the second pass takes turns) U keeps its box on every frame.
        using var frame = new Mat(480, 640, MatType.CV_8UC3, Scalar.All(128));
        using var video = new TiledFaceDetector("test", new FixedFaces("whole", 0.7f, [new(u, 0.5f)]), new FixedFaces("tiles", 0.7f, []), new Size(320, 240),
            new FaceDetectorOptions { ConsecutiveFrames = true }, new FaceVerification(verifier, 0, bothWays: true),
            new SecondPass(new FixedFaces("second", 0.5f, [new(s1, 0.45f)]), 0.25f), verifyWholeFrom: 0.3f);
        Enumerable.Range(0, 4).Select(_ => video.Detect(frame).Select(f => f.Box).Single()).Should().Equal([u, u, u, u]);
    }

    [Fact]
    public void The_second_pass_is_disposed_with_the_detector_and_its_threshold_is_checked()
    {
        var whole = new FixedFaces("whole", 0.7f, []);
        var second = new FixedFaces("second", 0.5f, []);

        var act = () => new TiledFaceDetector("test", whole, whole, new Size(320, 240), second: new SecondPass(second, 1.5f));
        act.Should().Throw<ArgumentOutOfRangeException>();
        new TiledFaceDetector("test", whole, whole, new Size(320, 240), second: new SecondPass(second, 0.25f)).Dispose();

        second.Disposed.Should().BeTrue();
        whole.Disposed.Should().BeTrue();
    }

    [SharedFact("models")]
    public void Without_the_verifier_the_second_pass_runs_at_BlazeFaces_own_threshold()
    {
        using var detector = FaceDetectors.Create(FaceDetectors.UltraFaceBackTilesId, FaceTestData.Store, new FaceDetectorOptions { VerifyFaces = false });
        using var verified = FaceDetectors.Create(FaceDetectors.UltraFaceBackTilesId, FaceTestData.Store);

        detector.DefaultMinConfidence.Should().Be(0.5f, "BlazeFace-back's low scores would go unchecked");
        verified.DefaultMinConfidence.Should().Be(FaceDetectors.BackSecondPassThreshold);
        ((IVerifiedFaceDetector)verified).Verification!.MinLikelihood.Should().Be(FaceDetectors.SecondPassMinLikelihood);
        ((IVerifiedFaceDetector)verified).Verification!.CacheKey.Should().EndWith("x2", "faces judged both ways are other faces than one way");
    }

    /// <summary>Fixed boxes standing in for a network, to test how the passes are merged.</summary>
    /// <summary>
    /// The merge alone: fixed whole-image faces (threshold 0.7) and second-pass faces (from 0.5), no tiles
    /// (320x240 input), and the real verifier at a bar of 0, both ways (it passes every box), or none.
    /// </summary>
    private static TiledFaceDetector MergeOf(IReadOnlyList<DetectedFace> whole, IReadOnlyList<DetectedFace> second, FaceVerifier? verifier) =>
        new("test", new FixedFaces("whole", 0.7f, whole), new FixedFaces("tiles", 0.7f, []), new Size(320, 240),
            verification: verifier is null ? null : new FaceVerification(verifier, 0, bothWays: true),
            second: new SecondPass(new FixedFaces("second", 0.5f, second), 0.5f));

    private sealed class FixedFaces(string id, float threshold, IReadOnlyList<DetectedFace> faces) : IFaceDetector
    {
        public string Id => id;

        public IReadOnlyList<DetectedFace> Faces { get; set; } = faces;

        public int Calls { get; private set; }

        public float DefaultMinConfidence => threshold;

        public float? LastThreshold { get; private set; }

        public bool Disposed { get; private set; }

        public IReadOnlyList<DetectedFace> Detect(Mat image, float? minConfidence = null)
        {
            LastThreshold = minConfidence;
            Calls++;
            float t = minConfidence ?? threshold;
            return Faces.Where(f => f.Score >= t).ToList();
        }

        public void Dispose() => Disposed = true;
    }

    private static Size InputOf(ModelSpec spec) => new(spec.Preprocessing!.InputWidth, spec.Preprocessing.InputHeight);
}
