using MaskTrainer.Faces;
using OpenCvSharp;

namespace MaskTrainer.Tests.Faces;

/// <summary>The box rules the detectors' merge and the tracker share (<see cref="FaceBoxes"/>).</summary>
public sealed class FaceBoxesTests
{
    private static readonly Rect Near = new(100, 100, 200, 240);

    [Fact]
    public void On_the_face_means_inside_the_ellipse_the_box_frames_not_its_corners()
    {
        FaceBoxes.OnFace(Near, new Point(200, 220)).Should().BeTrue("the centre");
        FaceBoxes.OnFace(Near, new Point(200, 101)).Should().BeTrue("the top middle: the forehead");
        FaceBoxes.OnFace(Near, new Point(101, 220)).Should().BeTrue("the side middle: the cheek");
        FaceBoxes.OnFace(Near, new Point(110, 110)).Should().BeFalse("the top-left corner is beside the face");
        FaceBoxes.OnFace(Near, new Point(290, 330)).Should().BeFalse("the bottom-right corner");
        FaceBoxes.OnFace(Near, new Point(50, 220)).Should().BeFalse("outside the box");
        FaceBoxes.OnFace(new Rect(0, 0, 0, 10), new Point(0, 5)).Should().BeFalse("an empty box has no face");
    }

    [Fact]
    public void A_box_centred_on_a_face_is_part_of_it_at_any_width_a_narrow_one_in_its_corner_is_not()
    {
        const float ratio = 0.15f; // 30 px of the 200 px face
        FaceBoxes.HoldsAsPart(Near, new Rect(190, 150, 20, 20), ratio).Should().BeTrue("10 % as wide, on the forehead: a face there would be hidden behind the near one");
        FaceBoxes.HoldsAsPart(Near, new Rect(102, 102, 20, 20), ratio).Should().BeFalse("10 % as wide, in the corner: a face further away, over a shoulder");
        FaceBoxes.HoldsAsPart(Near, new Rect(102, 102, 40, 40), ratio).Should().BeTrue("20 % as wide in the corner: a second box on the near face");
        FaceBoxes.HoldsAsPart(Near, new Rect(102, 102, 20, 20), 0).Should().BeTrue("ratio 0: the centre decides alone");
        FaceBoxes.HoldsAsPart(Near, new Rect(290, 100, 40, 40), ratio).Should().BeFalse("its centre lies outside the box");
    }

    [Fact]
    public void Two_boxes_are_one_face_whichever_holds_the_other()
    {
        var eyes = new Rect(140, 150, 120, 60); // a box on the eyes, whose centre lies on the face
        FaceBoxes.SameFace(Near, eyes, 0.15f).Should().BeTrue();
        FaceBoxes.SameFace(eyes, Near, 0.15f).Should().BeTrue("the larger box coming second is the same face");
        FaceBoxes.HoldsAsPart(eyes, Near, 0.15f).Should().BeFalse("the eyes' box does not hold the face's centre");
        FaceBoxes.SameFace(Near, new Rect(102, 102, 20, 20), 0.15f).Should().BeFalse();
        FaceBoxes.SameFace(new Rect(102, 102, 20, 20), Near, 0.15f).Should().BeFalse();
        FaceBoxes.SameFace(Near, new Rect(400, 100, 200, 240), 0.15f).Should().BeFalse("a neighbour");
    }

    [Fact]
    public void A_wider_box_frames_a_part_off_its_middle_not_the_same_face_boxed_tighter()
    {
        var eyes = new Rect(140, 120, 120, 60); // 0.29 of the height above the middle
        FaceBoxes.Frames(Near, eyes).Should().BeTrue();
        FaceBoxes.Frames(Near, new Rect(140, 150, 120, 60)).Should().BeFalse("0.17 above the middle: under PartOffCentre");
        FaceBoxes.Frames(eyes, Near).Should().BeFalse("the eyes' box is narrower");
        FaceBoxes.Frames(Near, new Rect(100, 100, 80, 240)).Should().BeTrue("the left half: 0.3 of the width off the middle");
        FaceBoxes.Frames(Near, new Rect(160, 170, 80, 100)).Should().BeFalse("about the middle: the face boxed tighter");
        FaceBoxes.Frames(Near, new Rect(102, 102, 20, 20)).Should().BeFalse("in the corner: beside the face");
        FaceBoxes.Frames(new Rect(345, 114, 54, 54), new Rect(366, 120, 21, 33)).Should().BeFalse(
            "without_mask/40.jpg: a small face UltraFace boxed tightly and BlazeFace-back 2.5x as wide, 0.09 off the middle");
    }
}
