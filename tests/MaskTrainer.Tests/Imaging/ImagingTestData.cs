namespace MaskTrainer.Tests.Imaging;

/// <summary>The shared files the OpenCV tests use by name (located through <see cref="SharedData"/>).</summary>
internal static class ImagingTestData
{
    public static string FaceImage => SharedData.Full("data/faces-dlib/images/2008_002506.jpg");

    public static string Res10Model => SharedData.Full("models/opencv_face_detector_uint8.pb");

    public static string Res10Config => SharedData.Full("models/opencv_face_detector.pbtxt");
}
