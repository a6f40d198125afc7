using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Imaging;

public sealed class CascadeClassifierTests
{
    [HaarFaceFact]
    public void Haar_cascade_finds_the_labelled_faces()
    {
        using var cascade = OpenCvData.LoadCascade(OpenCvData.FindDataFile(HaarFaceFactAttribute.Cascade)!);
        using var image = ImageCodec.Read(ImagingTestData.FaceImage);
        using var gray = new Mat();
        Cv2.CvtColor(image, gray, ColorConversionCodes.BGR2GRAY);

        var found = cascade.DetectMultiScale(gray, 1.1, 5, minSize: new Size(30, 30));

        var labelled = File.ReadLines(SharedData.Full("data/faces-dlib/annotations/boxes.csv"))
            .Select(l => l.Split(','))
            .Where(f => f[1] == "2008_002506.jpg")
            .Select(f => new Rect(int.Parse(f[2]), int.Parse(f[3]), int.Parse(f[4]), int.Parse(f[5])))
            .ToList();
        labelled.Should().HaveCount(3);
        foreach (var face in labelled)
        {
            found.Should().Contain(r => IoU(r, face) > 0.4, $"the labelled face {face} should be detected");
        }
    }

    [Fact]
    public void Bad_cascade_files_are_named()
    {
        using var dir = new TempFolder();
        var missing = dir.File("missing.xml");
        var notCascade = dir.File("other.xml");
        File.WriteAllText(notCascade, "<?xml version=\"1.0\"?><opencv_storage><x>1</x></opencv_storage>");

        Assert.Throws<ImagingException>(() => OpenCvData.LoadCascade(missing)).Message.Should().Be($"{missing}: cascade file not found");
        Assert.Throws<ImagingException>(() => OpenCvData.LoadCascade(notCascade)).Message.Should().StartWith($"{notCascade}: cannot load cascade");
        OpenCvData.FindDataFile("no-such-cascade.xml").Should().BeNull();
    }

    private static double IoU(Rect a, Rect b)
    {
        var overlap = a.Intersect(b).Area;
        return (double)overlap / (a.Area + b.Area - overlap);
    }
}
