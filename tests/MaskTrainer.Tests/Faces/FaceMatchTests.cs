using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Faces;

public sealed class FaceMatchTests
{
    [Fact]
    public void IoU_of_known_boxes()
    {
        FaceBoxes.IoU(new Rect(0, 0, 10, 10), new Rect(0, 0, 10, 10)).Should().Be(1f);
        FaceBoxes.IoU(new Rect(0, 0, 10, 10), new Rect(5, 0, 10, 10)).Should().BeApproximately(50f / 150f, 1e-6f);
        FaceBoxes.IoU(new Rect(0, 0, 10, 10), new Rect(20, 20, 5, 5)).Should().Be(0f);
        FaceBoxes.IoU(new Rect(0, 0, 0, 10), new Rect(0, 0, 0, 10)).Should().Be(0f);
    }

    [Fact]
    public void Each_labelled_face_takes_one_detection_and_ignored_faces_count_neither_way()
    {
        var labelled = new[]
        {
            new LabelledFace("a.jpg", new Rect(0, 0, 100, 100)),
            new LabelledFace("a.jpg", new Rect(300, 0, 100, 100)),
            new LabelledFace("a.jpg", new Rect(600, 0, 50, 50), Ignore: true),
        };
        var detections = new[]
        {
            new DetectedFace(new Rect(5, 5, 100, 100), 0.9f),      // finds the first
            new DetectedFace(new Rect(0, 0, 95, 95), 0.8f),        // duplicate of the first: not false, not counted
            new DetectedFace(new Rect(600, 0, 50, 50), 0.7f),      // the ignored face
            new DetectedFace(new Rect(900, 900, 50, 50), 0.6f),    // false
        };

        var match = FaceMatch.Compare(labelled, detections);

        match.Should().Be(new FaceMatch(Labelled: 2, Found: 1, FalsePositives: 1));
        match.Recall.Should().Be(0.5);
        (match + match).Should().Be(new FaceMatch(4, 2, 2));
    }

    [Fact]
    public void Labels_load_from_the_dlib_csv_layout()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mt-boxes-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, ["split,image,left,top,width,height,ignore", "training,a.jpg,1,2,3,4,0", "testing,a.jpg,5,6,7,8,1", "training,b.jpg,0,0,9,9,0"]);
        try
        {
            var labels = LabelledFace.LoadCsv(path);

            labels.Keys.Should().BeEquivalentTo(["a.jpg", "b.jpg"]);
            labels["a.jpg"].Should().Equal(new LabelledFace("a.jpg", new Rect(1, 2, 3, 4)), new LabelledFace("a.jpg", new Rect(5, 6, 7, 8), true));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_bad_labels_file_names_the_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mt-boxes-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, ["split,image,left,top,width,height,ignore", "training,a.jpg,1,two,3,4,0"]);
        try
        {
            var act = () => LabelledFace.LoadCsv(path);

            act.Should().Throw<InvalidDataException>().WithMessage($"{path}:2: 'two' in column 'top' is not an integer");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
