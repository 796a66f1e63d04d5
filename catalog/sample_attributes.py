"""What the sample Thái Nguyên catalogue's categories are, in the words marketplaces ask for them: the constant
attribute values an admin gives each category's mapping once (``Loại trà: Trà xanh``), by attribute name.
The demo and the end-to-end tests fill their mappings from it (``syndicator/category_mapping.py:add_constant_rules``)."""

from __future__ import annotations

SAMPLE_ATTRIBUTES: dict[str, dict[str, str]] = {
    "CHE": {"Loại trà": "Trà xanh"},
    "CA-PHE": {"Loại cà phê": "Robusta"},
    "GAO": {"Loại gạo": "Gạo nếp"},
    "MAT-ONG": {"Loại mật ong": "Mật ong rừng"},
    "THUC-PHAM-KHO": {"Thành phần": "Nông sản Thái Nguyên phơi sấy tự nhiên, không chất bảo quản"},
    "DAC-SAN": {"Thành phần": "Đặc sản Thái Nguyên, xem mô tả từng hộp"},
    "TRAI-CAY": {"Bảo quản": "Nhiệt độ phòng", "Điều kiện bảo quản": "Nhiệt độ phòng",
                 "Thành phần": "Trái cây Thái Nguyên"},
    "RAU-CU": {"Bảo quản": "Ngăn mát", "Điều kiện bảo quản": "Ngăn mát tủ lạnh"},
    "NAM": {"Bảo quản": "Nhiệt độ phòng", "Điều kiện bảo quản": "Nhiệt độ phòng"},
    "DUOC-LIEU": {"Công dụng": "Bồi bổ sức khoẻ", "Hướng dẫn sử dụng": "Dùng trực tiếp hoặc pha với nước ấm"},
    "THIT-TRUNG": {"Bảo quản": "Ngăn mát", "Điều kiện bảo quản": "Ngăn mát tủ lạnh"},
    "THUY-SAN": {"Bảo quản": "Ngăn đông", "Điều kiện bảo quản": "Ngăn đông"},
    "THU-CONG": {"Chất liệu": "Tre"},
}
