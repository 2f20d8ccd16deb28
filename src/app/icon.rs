//! The window's icon, embedded in the binary from `assets/icon.png`.

/// The icon as a PNG file.
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// The icon decoded for the window system (RGBA).
pub fn icon() -> Result<egui::IconData, String> {
    let fail = |e: &dyn std::fmt::Display| format!("the embedded icon cannot be read: {e}");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(ICON_PNG));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().map_err(|e| fail(&e))?;
    let mut rgba = vec![0; reader.output_buffer_size().ok_or("the icon is too large")?];
    let info = reader.next_frame(&mut rgba).map_err(|e| fail(&e))?;
    if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
        return Err(fail(&"it is not 8-bit RGBA"));
    }
    rgba.truncate(info.buffer_size());
    Ok(egui::IconData {
        rgba,
        width: info.width,
        height: info.height,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_icon_decodes_to_a_square_of_opaque_and_clear_pixels() {
        let icon = super::icon().unwrap();
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
        // Transparent corners (rounded), an opaque middle.
        assert_eq!(icon.rgba[3], 0);
        let middle = (128 * 256 + 128) * 4;
        assert_eq!(icon.rgba[middle + 3], 255);
    }
}
