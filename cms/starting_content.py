"""The starting content `manage.py seed_guides` writes: guides for citizens new to
smartphones, three training modules for volunteers, and national hotlines.

Every text is a (Vietnamese, English) pair. Vietnamese pages are the source; English
pages are their translations through wagtail-localize, so editors keep both in step
with its translation editor. Names of buttons are quoted in Vietnamese in both
languages, because that is what the apps show. Checked against the services as they
worked when written (see `REVIEWED`); editors re-check and update the date.
"""

from datetime import date

REVIEWED = date(2026, 12, 1)

# Hotlines every province shares; organisers add their province's own in the admin.
CONTACTS = [
    {
        "key": "portal",
        "kind": "hotline",
        "phone": "1800 1096",
        "name": (
            "Tổng đài hỗ trợ Cổng Dịch vụ công quốc gia",
            "National Public Service Portal helpline",
        ),
        "note": (
            "Hỗ trợ đăng nhập, nộp hồ sơ và thanh toán trên dichvucong.gov.vn. Cuộc gọi miễn phí.",
            "Help with signing in, applying and paying on dichvucong.gov.vn. The call is free.",
        ),
    },
    {
        "key": "vneid",
        "kind": "hotline",
        "phone": "1900 0368",
        "name": ("Tổng đài hỗ trợ định danh điện tử VNeID", "VNeID e-ID helpline"),
        "note": (
            "Giải đáp về tài khoản định danh điện tử và ứng dụng VNeID.",
            "Questions about e-ID accounts and the VNeID app.",
        ),
    },
    {
        "key": "police",
        "kind": "hotline",
        "phone": "113",
        "name": ("Công an (khẩn cấp)", "Police (emergency)"),
        "note": (
            "Khi bị đe dọa, khi kẻ gian đang lừa bạn, hoặc khi cần công an đến ngay.",
            "When you are threatened, while a scammer is working on you, or when you "
            "need the police at once.",
        ),
    },
]
HOME_HOTLINE = "portal"

GUIDES = [
    {
        "slug": ("tao-va-kich-hoat-tai-khoan-vneid", "create-and-activate-vneid"),
        "title": (
            "Tạo và kích hoạt tài khoản VNeID mức 2",
            "Create and activate your VNeID account (level 2)",
        ),
        "summary": (
            "Tài khoản định danh điện tử VNeID mức 2 giúp bạn làm thủ tục trên điện thoại "
            "mà không cần mang giấy tờ. Bạn đăng ký ở Công an xã, phường, rồi tự kích hoạt "
            "trên điện thoại.",
            "A level-2 VNeID e-ID account lets you do paperwork on your phone without "
            "carrying documents. You register at the commune or ward police, then "
            "activate it yourself on your phone.",
        ),
        "audience": "new_to_smartphones",
        "topic": "e_id",
        "services": ["eid_account", "eid_level_2"],
        "contact": "vneid",
        "minutes": 30,
        "related": ["nop-ho-so-tren-cong-dich-vu-cong", "nhan-biet-cuoc-goi-lua-dao"],
        "bring": [
            (
                "Thẻ căn cước (hoặc căn cước công dân) gắn chip của bạn",
                "Your chip ID card (căn cước or căn cước công dân)",
            ),
            ("Điện thoại thông minh của bạn, đã sạc pin", "Your smartphone, charged"),
            (
                "Số điện thoại đứng tên chính bạn, đang dùng được",
                "A phone number registered in your own name, in use",
            ),
            (
                "Mạng Internet: wifi hoặc 3G/4G",
                "An internet connection: wifi or mobile data",
            ),
        ],
        "steps": [
            (
                "step",
                ("Đến Công an xã, phường để đăng ký", "Register at the commune or ward police"),
                (
                    "Mang theo thẻ căn cước và điện thoại. Nói với cán bộ: “Tôi muốn đăng ký "
                    "tài khoản định danh điện tử mức 2.” Cán bộ kiểm tra thông tin, chụp ảnh "
                    "chân dung và lấy vân tay nếu cần. Nếu bạn đang làm thẻ căn cước mới, có "
                    "thể đăng ký luôn cùng lúc.",
                    "Bring your ID card and your phone. Tell the officer: “I would like to "
                    "register a level-2 e-ID account.” The officer checks your details and "
                    "takes your photo and fingerprints if needed. If you are applying for a "
                    "new ID card, you can register at the same time.",
                ),
            ),
            (
                "step",
                (
                    "Chờ tin nhắn có mã kích hoạt",
                    "Wait for the text message with your activation code",
                ),
                (
                    "Khi hồ sơ được duyệt, bạn nhận một tin nhắn SMS có mã kích hoạt, gửi "
                    "tới số điện thoại đã đăng ký. Thường mất vài ngày.",
                    "When your registration is approved, you receive an SMS with an "
                    "activation code on the number you registered. It usually takes a few "
                    "days.",
                ),
            ),
            (
                "warning",
                (
                    "Không đọc mã kích hoạt hay mã OTP cho bất kỳ ai, kể cả người xưng là "
                    "công an. Cán bộ thật không bao giờ hỏi mã này qua điện thoại.",
                    "Never read your activation code or an OTP to anyone, even someone who "
                    "says they are the police. Real officers never ask for it by phone.",
                ),
            ),
            (
                "step",
                ("Cài ứng dụng VNeID", "Install the VNeID app"),
                (
                    "Mở CH Play (điện thoại Android) hoặc App Store (iPhone). Tìm “VNeID”, "
                    "rồi chạm “Cài đặt”. Chỉ cài từ hai kho ứng dụng này, không cài từ "
                    "đường link người khác gửi.",
                    "Open Play Store (Android phones) or App Store (iPhone). Search for "
                    "“VNeID” and tap “Install”. Only install it from these two stores, "
                    "never from a link someone sends you.",
                ),
            ),
            (
                "step",
                ("Mở ứng dụng và chọn kích hoạt", "Open the app and choose to activate"),
                (
                    "Mở VNeID, chạm “Kích hoạt tài khoản định danh điện tử”. Nhập số định "
                    "danh cá nhân (12 chữ số in trên thẻ căn cước) và số điện thoại của "
                    "bạn, rồi chạm “Gửi yêu cầu”.",
                    "Open VNeID and tap “Kích hoạt tài khoản định danh điện tử” (activate "
                    "e-ID account). Enter your personal ID number (the 12 digits on your ID "
                    "card) and your phone number, then tap “Gửi yêu cầu” (send request).",
                ),
            ),
            (
                "tip",
                (
                    "Tên các nút có thể hơi khác tùy phiên bản ứng dụng. Hãy tìm chữ “Kích hoạt”.",
                    "Button names may differ a little between app versions. Look for the "
                    "word “Kích hoạt” (activate).",
                ),
            ),
            (
                "step",
                ("Nhập mã kích hoạt", "Enter the activation code"),
                (
                    "Nhập mã trong tin nhắn SMS bạn đã nhận. Nếu mã đã hết hạn, chọn gửi lại mã.",
                    "Type the code from the SMS you received. If it has expired, ask for a "
                    "new code.",
                ),
            ),
            (
                "step",
                ("Đặt mật khẩu", "Set a password"),
                (
                    "Đặt mật khẩu theo hướng dẫn trên màn hình (thường từ 8 đến 20 ký tự, "
                    "có chữ hoa, chữ thường, chữ số và một ký tự đặc biệt như @ hoặc #). "
                    "Nhập lại lần nữa để xác nhận.",
                    "Set a password as the screen asks (usually 8 to 20 characters, with "
                    "capital and small letters, a number and a symbol such as @ or #). Type "
                    "it again to confirm.",
                ),
            ),
            (
                "tip",
                (
                    "Chọn mật khẩu bạn nhớ được nhưng người khác khó đoán. Không dùng ngày "
                    "sinh. Nếu phải ghi ra giấy, hãy cất ở nơi an toàn, không dán lên điện "
                    "thoại.",
                    "Choose a password you can remember but others cannot guess. Do not use "
                    "your birthday. If you must write it down, keep it somewhere safe, not "
                    "stuck to your phone.",
                ),
            ),
            (
                "step",
                ("Tạo mã passcode 6 số", "Create a 6-digit passcode"),
                (
                    "Ứng dụng yêu cầu một mã gồm 6 chữ số để mở nhanh và để xác nhận. Nhập "
                    "hai lần giống nhau.",
                    "The app asks for a 6-digit code to open it quickly and to confirm "
                    "actions. Enter the same code twice.",
                ),
            ),
            (
                "step",
                ("Kiểm tra tài khoản đã ở mức 2", "Check that your account is level 2"),
                (
                    "Đăng nhập bằng số định danh cá nhân và mật khẩu. Nếu tài khoản đã ở mức "
                    "2, bạn xem được thẻ căn cước điện tử của mình trong ứng dụng. Nếu chưa, "
                    "hãy quay lại Công an xã, phường để được giúp.",
                    "Sign in with your personal ID number and password. If the account is "
                    "level 2, you can see your electronic ID card in the app. If not, go "
                    "back to the commune or ward police for help.",
                ),
            ),
        ],
    },
    {
        "slug": ("nop-ho-so-tren-cong-dich-vu-cong", "apply-on-the-public-service-portal"),
        "title": (
            "Nộp hồ sơ trên Cổng Dịch vụ công quốc gia",
            "Apply on the National Public Service Portal",
        ),
        "summary": (
            "Nhiều thủ tục, như đăng ký khai sinh, có thể nộp trên mạng thay vì xếp hàng. "
            "Bạn cần tài khoản VNeID mức 2 và ảnh chụp giấy tờ.",
            "Many procedures, such as registering a birth, can be filed online instead of "
            "queuing. You need a level-2 VNeID account and photos of your papers.",
        ),
        "audience": "everyone",
        "topic": "public_services",
        "services": ["portal_account", "online_application"],
        "minutes": 20,
        "related": [
            "tao-va-kich-hoat-tai-khoan-vneid",
            "thanh-toan-phi-le-phi-truc-tuyen",
            "lay-so-thu-tu-va-tra-cuu-ho-so",
        ],
        "bring": [
            (
                "Tài khoản VNeID mức 2 và điện thoại đã cài VNeID",
                "A level-2 VNeID account, and your phone with VNeID installed",
            ),
            (
                "Giấy tờ thủ tục cần: ảnh chụp rõ nét hoặc bản sao điện tử",
                "The papers the procedure needs: clear photos or electronic copies",
            ),
            ("Mạng Internet ổn định", "A steady internet connection"),
        ],
        "steps": [
            (
                "step",
                ("Mở trang Cổng Dịch vụ công", "Open the Public Service Portal"),
                (
                    "Mở trình duyệt (Chrome, Safari hoặc Cốc Cốc) và gõ dichvucong.gov.vn. "
                    "Kiểm tra địa chỉ đúng như vậy, có đuôi .gov.vn.",
                    "Open a browser (Chrome, Safari or Cốc Cốc) and type dichvucong.gov.vn. "
                    "Check that the address is exactly that, ending in .gov.vn.",
                ),
            ),
            (
                "warning",
                (
                    "Trang giả thường có địa chỉ gần giống: thêm chữ, thêm dấu gạch, đuôi "
                    ".com hay .net. Đừng mở Cổng từ đường link trong tin nhắn lạ.",
                    "Fake sites often have a look-alike address: extra letters or dashes, "
                    ".com or .net. Do not open the portal from a link in an unexpected "
                    "message.",
                ),
            ),
            (
                "step",
                ("Đăng nhập bằng VNeID", "Sign in with VNeID"),
                (
                    "Chạm “Đăng nhập”, chọn đăng nhập bằng tài khoản định danh điện tử "
                    "(VNeID). Nhập số định danh cá nhân và mật khẩu VNeID, rồi xác nhận trên "
                    "ứng dụng VNeID hoặc nhập mã được gửi cho bạn.",
                    "Tap “Đăng nhập” (sign in) and choose to sign in with your e-ID account "
                    "(VNeID). Enter your personal ID number and VNeID password, then confirm "
                    "in the VNeID app or type the code sent to you.",
                ),
            ),
            (
                "step",
                ("Tìm thủ tục bạn cần", "Find the procedure you need"),
                (
                    "Gõ tên thủ tục vào ô tìm kiếm, ví dụ “đăng ký khai sinh”. Chọn đúng thủ "
                    "tục và đúng nơi giải quyết: tỉnh, xã hoặc phường nơi bạn ở.",
                    "Type the procedure's name in the search box, for example “đăng ký khai "
                    "sinh” (birth registration). Choose the right procedure and the right "
                    "office: your province, commune or ward.",
                ),
            ),
            (
                "step",
                (
                    "Chọn “Nộp trực tuyến” và điền tờ khai",
                    "Choose “Nộp trực tuyến” (apply online) and fill in the form",
                ),
                (
                    "Nhiều ô đã được điền sẵn từ dữ liệu dân cư. Điền các ô còn trống, nhất "
                    "là ô có dấu sao (*). Đọc lại từng dòng trước khi sang bước sau.",
                    "Many boxes are already filled in from the population database. Fill in "
                    "the empty ones, especially those marked with a star (*). Read each line "
                    "again before going on.",
                ),
            ),
            (
                "step",
                ("Đính kèm giấy tờ", "Attach your papers"),
                (
                    "Chạm “Chọn tệp” để chụp ảnh hoặc chọn ảnh từng giấy tờ. Chụp nơi đủ "
                    "sáng, thấy rõ bốn góc và đọc được chữ.",
                    "Tap “Chọn tệp” (choose file) to take or pick a photo of each paper. "
                    "Take it in good light, with all four corners showing and the words "
                    "readable.",
                ),
            ),
            (
                "tip",
                (
                    "Giấy tờ đã có trong kho dữ liệu cá nhân, hoặc bản sao điện tử đã chứng "
                    "thực, có thể chọn lại mà không cần chụp nữa.",
                    "Papers already in your personal data store, or electronic certified "
                    "copies, can be picked again without photographing them.",
                ),
            ),
            (
                "step",
                ("Kiểm tra và nộp", "Check and submit"),
                (
                    "Xem lại toàn bộ, rồi chạm “Nộp hồ sơ”. Nếu có phí, trang chuyển sang "
                    "bước thanh toán (xem hướng dẫn thanh toán trực tuyến).",
                    "Look over everything, then tap “Nộp hồ sơ” (submit). If there is a "
                    "fee, the site moves on to payment (see the guide on paying online).",
                ),
            ),
            (
                "step",
                ("Ghi lại mã hồ sơ", "Write down the application code"),
                (
                    "Sau khi nộp, bạn nhận một mã hồ sơ. Chụp màn hình hoặc ghi ra giấy. "
                    "Dùng mã này để tra cứu kết quả.",
                    "After submitting you get an application code. Take a screenshot or "
                    "write it on paper. Use it to check on the result.",
                ),
            ),
        ],
    },
    {
        "slug": ("thanh-toan-phi-le-phi-truc-tuyen", "pay-a-fee-online"),
        "title": ("Thanh toán phí, lệ phí trực tuyến", "Pay a fee online"),
        "summary": (
            "Khi nộp hồ sơ trên Cổng Dịch vụ công, bạn có thể trả phí ngay trên điện thoại "
            "bằng ứng dụng ngân hàng hoặc ví điện tử, không phải mang tiền mặt.",
            "When you apply on the Public Service Portal, you can pay the fee on your "
            "phone with a banking app or an e-wallet, without carrying cash.",
        ),
        "audience": "everyone",
        "topic": "payments",
        "services": ["online_payment"],
        "minutes": 10,
        "related": ["nop-ho-so-tren-cong-dich-vu-cong", "nhan-biet-cuoc-goi-lua-dao"],
        "bring": [
            (
                "Ứng dụng ngân hàng hoặc ví điện tử đứng tên bạn, có đủ tiền",
                "A banking app or e-wallet in your name, with enough money in it",
            ),
            (
                "Mã hồ sơ, nếu bạn trả phí cho hồ sơ đã nộp trước đó",
                "The application code, if you are paying for an application you already submitted",
            ),
        ],
        "steps": [
            (
                "step",
                ("Mở bước thanh toán", "Open the payment step"),
                (
                    "Ngay sau khi nộp hồ sơ, trang hiện nút “Thanh toán”. Nếu trả sau, đăng "
                    "nhập Cổng Dịch vụ công, vào mục quản lý hồ sơ đã nộp, chọn hồ sơ và "
                    "chạm “Thanh toán”.",
                    "Right after you submit, the site shows a “Thanh toán” (pay) button. To "
                    "pay later, sign in to the portal, open your submitted applications, "
                    "choose the application and tap “Thanh toán”.",
                ),
            ),
            (
                "step",
                ("Kiểm tra số tiền và nơi nhận", "Check the amount and who receives it"),
                (
                    "Xem số tiền và tên cơ quan nhận tiền. Phí do cơ quan nhà nước thu, "
                    "không bao giờ chuyển vào tài khoản của một cá nhân.",
                    "Check the amount and the name of the office receiving it. Fees are "
                    "collected by a government office and never go to a person's account.",
                ),
            ),
            (
                "step",
                ("Chọn ngân hàng hoặc ví điện tử", "Choose your bank or e-wallet"),
                (
                    "Chọn ngân hàng hoặc ví bạn dùng. Trang sẽ mở ứng dụng ngân hàng, hoặc "
                    "hiện mã QR để bạn quét bằng ứng dụng ngân hàng.",
                    "Choose the bank or wallet you use. The site opens your banking app, or "
                    "shows a QR code to scan with your banking app.",
                ),
            ),
            (
                "step",
                ("Xác nhận trong ứng dụng ngân hàng", "Confirm in your banking app"),
                (
                    "Kiểm tra lại số tiền, rồi xác nhận bằng mã OTP, vân tay hoặc khuôn mặt "
                    "như khi bạn chuyển tiền bình thường.",
                    "Check the amount again, then confirm with the OTP, your fingerprint or "
                    "your face, as for any payment.",
                ),
            ),
            (
                "warning",
                (
                    "Chỉ nhập mã OTP vào ứng dụng ngân hàng của chính bạn. Ai gọi điện đề "
                    "nghị “nộp phí giúp” hay xin mã OTP là kẻ lừa đảo.",
                    "Only type the OTP into your own banking app. Anyone who calls offering "
                    "to “pay the fee for you” or asking for your OTP is a scammer.",
                ),
            ),
            (
                "step",
                ("Giữ biên lai", "Keep the receipt"),
                (
                    "Khi thanh toán xong, trang báo thành công và có biên lai điện tử. Chụp "
                    "màn hình để giữ lại. Nếu tiền đã bị trừ mà trang báo lỗi, đừng trả lần "
                    "nữa: gọi tổng đài hỗ trợ.",
                    "When the payment is done, the site says so and gives an electronic "
                    "receipt. Take a screenshot to keep. If money left your account but the "
                    "site shows an error, do not pay again: call the support hotline.",
                ),
            ),
        ],
    },
    {
        "slug": ("nhan-biet-cuoc-goi-lua-dao", "spot-scam-calls"),
        "title": (
            "Nhận biết cuộc gọi lừa đảo và giữ an toàn tài khoản",
            "Spot scam calls and keep your accounts safe",
        ),
        "summary": (
            "Kẻ gian hay giả làm công an, cán bộ hoặc nhân viên ngân hàng để lấy mã OTP, "
            "mật khẩu hay tiền của bạn. Vài dấu hiệu dưới đây giúp bạn nhận ra và biết phải "
            "làm gì.",
            "Scammers often pretend to be police, officials or bank staff to get your OTP, "
            "your password or your money. These signs help you spot them and know what to "
            "do.",
        ),
        "audience": "older_people",
        "topic": "safety",
        "services": ["account_safety"],
        "contact": "police",
        "minutes": 10,
        "related": ["tao-va-kich-hoat-tai-khoan-vneid", "thanh-toan-phi-le-phi-truc-tuyen"],
        "bring": [],
        "steps": [
            (
                "step",
                (
                    "Cảnh giác khi người lạ xưng là cơ quan nhà nước",
                    "Be wary when a stranger says they are from the government",
                ),
                (
                    "Công an, cán bộ xã hay nhân viên ngân hàng không gọi điện bảo bạn cài "
                    "ứng dụng, bấm vào đường link, chuyển tiền hay đọc mã OTP. Ai yêu cầu "
                    "như vậy là kẻ lừa đảo.",
                    "Police, commune officials and bank staff do not call to tell you to "
                    "install an app, tap a link, transfer money or read out an OTP. Anyone "
                    "who asks for that is a scammer.",
                ),
            ),
            (
                "step",
                ("Nhận ra dấu hiệu lừa đảo", "Know the signs of a scam"),
                (
                    "Giọng gấp gáp, dọa bạn bị phạt hay liên quan đến vụ án. Đề nghị “nâng "
                    "cấp định danh mức 2” qua điện thoại. Báo bạn trúng thưởng. Gửi đường "
                    "link lạ. Gọi video với hình người quen nhưng xin tiền gấp.",
                    "Pressure and threats of a fine or a criminal case. An offer to "
                    "“upgrade your e-ID to level 2” by phone. News that you have won a "
                    "prize. Strange links. A video call showing someone you know who "
                    "urgently asks for money.",
                ),
            ),
            (
                "warning",
                (
                    "Định danh mức 2 chỉ đăng ký tại Công an xã, phường hoặc nơi làm thẻ căn "
                    "cước, không bao giờ làm qua điện thoại.",
                    "Level-2 e-ID is only registered at the commune or ward police or where "
                    "ID cards are made, never over the phone.",
                ),
            ),
            (
                "step",
                ("Dừng lại và gác máy", "Stop and hang up"),
                (
                    "Bạn không cần trả lời, không cần lịch sự. Gác máy, rồi tự gọi số chính "
                    "thức (số in trên thẻ ngân hàng) hoặc hỏi thẳng Công an xã để kiểm tra.",
                    "You do not have to answer or be polite. Hang up, then call the official "
                    "number yourself (the one printed on your bank card) or ask the commune "
                    "police in person.",
                ),
            ),
            (
                "step",
                (
                    "Giữ kín mã OTP, mật khẩu và passcode",
                    "Keep your OTP, passwords and passcode secret",
                ),
                (
                    "Không đọc, không chụp gửi cho ai, kể cả người thân hay tình nguyện "
                    "viên. Tình nguyện viên chỉ hướng dẫn, bạn tự nhập trên điện thoại của "
                    "mình.",
                    "Do not read them out or send a photo of them to anyone, even family or "
                    "volunteers. Volunteers only show you how; you type them on your own "
                    "phone.",
                ),
            ),
            (
                "step",
                (
                    "Khóa màn hình, chỉ cài ứng dụng từ kho chính thức",
                    "Lock your screen and install apps only from the official stores",
                ),
                (
                    "Đặt khóa màn hình bằng mã số, vân tay hoặc khuôn mặt. Chỉ cài ứng dụng "
                    "từ CH Play hoặc App Store. Không cài tệp có đuôi .apk người khác gửi.",
                    "Set a screen lock with a PIN, your fingerprint or your face. Only "
                    "install apps from Play Store or App Store. Never install an .apk file "
                    "someone sends you.",
                ),
            ),
            (
                "step",
                ("Nếu lỡ làm theo kẻ gian", "If you already did what a scammer asked"),
                (
                    "Gọi ngay tổng đài ngân hàng (số in sau thẻ) để khóa tài khoản. Đổi mật "
                    "khẩu VNeID và ngân hàng. Báo Công an xã, phường gần nhất, hoặc gọi 113 "
                    "nếu khẩn cấp. Giữ lại số điện thoại và tin nhắn của kẻ gian làm bằng "
                    "chứng.",
                    "Call your bank's hotline (printed on the back of your card) at once to "
                    "lock your account. Change your VNeID and banking passwords. Report it "
                    "to the nearest commune or ward police, or call 113 in an emergency. "
                    "Keep the scammer's number and messages as evidence.",
                ),
            ),
        ],
    },
    {
        "slug": ("lay-so-thu-tu-va-tra-cuu-ho-so", "queue-number-and-tracking"),
        "title": (
            "Lấy số thứ tự và tra cứu hồ sơ trên điện thoại",
            "Take a queue number and track your application on your phone",
        ),
        "summary": (
            "Bạn có thể lấy số thứ tự trước khi đến trung tâm phục vụ hành chính công, và "
            "xem hồ sơ của mình đã đến bước nào mà không phải đi lại hỏi.",
            "You can take a queue number before going to the public administration "
            "service centre, and see how far your application has got without travelling "
            "to ask.",
        ),
        "audience": "everyone",
        "topic": "public_services",
        "services": ["queue_number_app", "online_application"],
        "minutes": 10,
        "related": ["nop-ho-so-tren-cong-dich-vu-cong"],
        "bring": [
            ("Điện thoại có mạng Internet", "A phone with an internet connection"),
            (
                "Mã hồ sơ: in trên giấy biên nhận, hoặc nhận được khi nộp trực tuyến",
                "Your application code: printed on the receipt, or given when you applied online",
            ),
        ],
        "steps": [
            (
                "step",
                ("Hỏi nơi bạn làm thủ tục dùng cách nào", "Ask how your centre does it"),
                (
                    "Mỗi tỉnh có cách lấy số riêng: ứng dụng hoặc trang dịch vụ công của "
                    "tỉnh, trang Zalo chính thức của trung tâm, hoặc mã QR dán ở cửa. Hỏi "
                    "cán bộ hay tình nguyện viên tại trung tâm.",
                    "Each province has its own way to take a number: the province's public "
                    "service app or website, the centre's official Zalo page, or a QR code "
                    "at the door. Ask the staff or a volunteer at the centre.",
                ),
            ),
            (
                "step",
                ("Lấy số thứ tự", "Take a number"),
                (
                    "Chọn “Lấy số thứ tự”, chọn trung tâm và lĩnh vực thủ tục (ví dụ: hộ "
                    "tịch, đất đai). Màn hình hiện số của bạn và số đang được gọi.",
                    "Choose “Lấy số thứ tự” (take a queue number), then the centre and the "
                    "kind of procedure (for example civil status or land). The screen shows "
                    "your number and the number now being served.",
                ),
            ),
            (
                "tip",
                (
                    "Chụp màn hình số của bạn, phòng khi mất mạng lúc đến nơi.",
                    "Take a screenshot of your number in case you have no signal when you arrive.",
                ),
            ),
            (
                "step",
                ("Đến đúng giờ và theo dõi màn hình", "Arrive in time and watch the screen"),
                (
                    "Đến trước lượt của bạn một chút. Khi số của bạn hiện trên màn hình, đến "
                    "đúng quầy được ghi.",
                    "Arrive a little before your turn. When your number appears on the "
                    "screen, go to the counter shown.",
                ),
            ),
            (
                "step",
                ("Tra cứu hồ sơ", "Track your application"),
                (
                    "Trên Cổng Dịch vụ công (dichvucong.gov.vn), chọn mục tra cứu hồ sơ và "
                    "nhập mã hồ sơ. Bạn sẽ thấy hồ sơ đang được xử lý, cần bổ sung hay đã có "
                    "kết quả.",
                    "On the Public Service Portal (dichvucong.gov.vn), open the application "
                    "search and enter your code. You see whether it is being processed, "
                    "needs more papers, or has a result.",
                ),
            ),
            (
                "step",
                ("Làm tiếp khi hồ sơ cần bổ sung", "Act when more papers are needed"),
                (
                    "Nếu hồ sơ cần bổ sung, đọc kỹ lý do. Bổ sung trên mạng hoặc mang giấy "
                    "tờ đến trung tâm. Chưa hiểu chỗ nào thì gọi tổng đài hỗ trợ.",
                    "If the application needs more papers, read the reason carefully. Add "
                    "them online or bring them to the centre. If anything is unclear, call "
                    "the support hotline.",
                ),
            ),
        ],
    },
    {
        "slug": ("chung-thuc-ban-sao-dien-tu", "electronic-certified-copies"),
        "title": ("Chứng thực bản sao điện tử", "Get an electronic certified copy"),
        "summary": (
            "Bản sao điện tử được chứng thực có giá trị như bản sao giấy có đóng dấu. Làm "
            "một lần, dùng lại cho nhiều hồ sơ trực tuyến, không phải đi sao y nhiều lần.",
            "An electronic certified copy counts like a stamped paper copy. Make it once "
            "and reuse it for many online applications, instead of certifying paper "
            "copies again and again.",
        ),
        "audience": "everyone",
        "topic": "documents",
        "services": ["certified_copy"],
        "minutes": 20,
        "related": ["nop-ho-so-tren-cong-dich-vu-cong", "tao-va-kich-hoat-tai-khoan-vneid"],
        "bring": [
            (
                "Bản chính giấy tờ cần sao (ví dụ giấy khai sinh, bằng tốt nghiệp)",
                "The original paper to copy (for example a birth certificate or a diploma)",
            ),
            (
                "Tài khoản VNeID mức 2 để đăng nhập Cổng Dịch vụ công",
                "A level-2 VNeID account to sign in to the Public Service Portal",
            ),
            (
                "Một ít tiền lệ phí chứng thực (tính theo trang)",
                "A little money for the certification fee (charged per page)",
            ),
        ],
        "steps": [
            (
                "step",
                ("Chọn cách bắt đầu", "Choose how to start"),
                (
                    "Bạn có thể gửi yêu cầu trên Cổng Dịch vụ công trước (tìm “chứng thực "
                    "bản sao điện tử từ bản chính”), hoặc đến thẳng bộ phận một cửa của Ủy "
                    "ban nhân dân xã, phường.",
                    "You can send a request on the Public Service Portal first (search for "
                    "“chứng thực bản sao điện tử từ bản chính”, an electronic certified copy "
                    "from the original), or go straight to the one-stop desk of the commune "
                    "or ward People's Committee.",
                ),
            ),
            (
                "step",
                ("Mang bản chính đến để đối chiếu", "Bring the original for checking"),
                (
                    "Cán bộ xem bản chính, quét thành bản điện tử và ký số. Bản chính được "
                    "trả lại cho bạn ngay.",
                    "The officer checks the original, scans it into an electronic copy and "
                    "signs it digitally. You get your original back straight away.",
                ),
            ),
            (
                "tip",
                (
                    "Hỏi trước lệ phí và khi nào có kết quả.",
                    "Ask about the fee and when the copy will be ready.",
                ),
            ),
            (
                "step",
                ("Nhận bản sao trong tài khoản của bạn", "Find the copy in your account"),
                (
                    "Bản sao điện tử được gửi vào tài khoản của bạn trên Cổng Dịch vụ công "
                    "(kho dữ liệu cá nhân). Đăng nhập để kiểm tra.",
                    "The electronic copy is sent to your account on the Public Service "
                    "Portal (your personal data store). Sign in to check.",
                ),
            ),
            (
                "step",
                ("Dùng lại cho các hồ sơ sau", "Reuse it for later applications"),
                (
                    "Khi nộp hồ sơ trực tuyến, ở bước đính kèm, chọn giấy tờ từ kho dữ liệu "
                    "thay vì chụp ảnh lại.",
                    "When you apply online, at the attachment step, pick the paper from "
                    "your data store instead of taking a new photo.",
                ),
            ),
            (
                "warning",
                (
                    "Không gửi ảnh hay bản sao giấy tờ qua Zalo, Facebook cho người lạ, kể "
                    "cả người tự nhận là cán bộ.",
                    "Do not send photos or copies of your papers to strangers over Zalo or "
                    "Facebook, even someone claiming to be an official.",
                ),
            ),
        ],
    },
]

MODULES = [
    {
        "slug": ("to-chuc-buoi-ho-tro", "running-a-help-session"),
        "title": ("Tổ chức một buổi hỗ trợ người dân", "Running a help session"),
        "summary": (
            "Cách chuẩn bị, đón tiếp và hướng dẫn để người dân tự làm được trên điện thoại "
            "của mình, và biết khi nào cần chuyển cho cán bộ.",
            "How to prepare, welcome people and guide them so they can do it themselves on "
            "their own phone, and when to hand over to an official.",
        ),
        "minutes": 30,
        "goals": [
            (
                "Chuẩn bị đủ đồ dùng và thông tin trước ca trực",
                "Prepare what you need before your shift",
            ),
            (
                "Hướng dẫn từng bước mà không cầm máy làm thay",
                "Guide step by step without taking over the phone",
            ),
            (
                "Biết khi nào chuyển người dân cho cán bộ hoặc tổng đài",
                "Know when to refer someone to an official or the hotline",
            ),
        ],
        "steps": [
            (
                "step",
                ("Chuẩn bị trước ca trực", "Prepare before your shift"),
                (
                    "Sạc đầy điện thoại, mang sạc dự phòng. In sẵn vài áp phích hướng dẫn có "
                    "mã QR. Ghi số tổng đài hỗ trợ của tỉnh. Xem lại ca trực của bạn trong "
                    "Digihelp.",
                    "Charge your phone and bring a power bank. Print a few guide posters "
                    "with QR codes. Note the province's support hotline. Check your shift in "
                    "Digihelp.",
                ),
            ),
            (
                "step",
                ("Sắp xếp chỗ ngồi và người được ưu tiên", "Set up seats and priorities"),
                (
                    "Chọn chỗ đủ sáng, có ghế ngồi. Mời người cao tuổi, người khuyết tật, phụ "
                    "nữ mang thai và đồng bào dân tộc thiểu số được hỗ trợ trước.",
                    "Pick a bright place with chairs. Older people, people with "
                    "disabilities, pregnant women and people from ethnic minorities are "
                    "helped first.",
                ),
            ),
            (
                "step",
                ("Hỏi người dân cần làm gì", "Ask what they need"),
                (
                    "Chào hỏi, giới thiệu bạn là tình nguyện viên. Hỏi họ muốn làm thủ tục "
                    "gì, đã có tài khoản VNeID chưa, điện thoại có mạng không. Nói chậm, "
                    "dùng từ đơn giản.",
                    "Greet them and say you are a volunteer. Ask what they want to do, "
                    "whether they already have a VNeID account and whether their phone has "
                    "a connection. Speak slowly and simply.",
                ),
            ),
            (
                "step",
                ("Để người dân tự cầm máy", "Let them hold the phone"),
                (
                    "Chỉ từng bước, chờ họ tự chạm. Nếu cần làm mẫu, dùng điện thoại của bạn "
                    "hoặc áp phích. Mục tiêu là lần sau họ tự làm được.",
                    "Show one step at a time and wait while they tap. To demonstrate, use "
                    "your own phone or a poster. The goal is that next time they can do it "
                    "alone.",
                ),
            ),
            (
                "warning",
                (
                    "Không hỏi, không nhập, không ghi lại mật khẩu, passcode hay mã OTP của "
                    "người dân. Nếu họ định đọc cho bạn, hãy nhắc họ giữ kín.",
                    "Never ask for, type or write down a citizen's password, passcode or "
                    "OTP. If they start to read it out, remind them to keep it secret.",
                ),
            ),
            (
                "step",
                ("Biết khi nào cần chuyển tiếp", "Know when to refer"),
                (
                    "Thông tin trên thẻ bị sai, tài khoản bị khóa, hồ sơ bị từ chối, hay thủ "
                    "tục bạn chưa rõ: chuyển cho bộ phận một cửa, Công an xã hoặc tổng đài. "
                    "Đừng đoán.",
                    "Wrong details on the ID card, a locked account, a refused application, "
                    "or a procedure you do not know: refer them to the one-stop desk, the "
                    "commune police or the hotline. Do not guess.",
                ),
            ),
            (
                "step",
                ("Kết thúc và ghi nhận", "Finish and log it"),
                (
                    "Kiểm tra người dân tự đăng nhập lại được. Nhắc bước tiếp theo nếu có "
                    "(ví dụ chờ tin nhắn kích hoạt). Đăng xuất nếu dùng máy chung. Ghi nhận "
                    "lượt hỗ trợ trong Digihelp ngay, chỉ mất vài giây.",
                    "Check they can sign in again by themselves. Remind them of any next "
                    "step (for example waiting for the activation text). Sign out if the "
                    "phone is shared. Log the session in Digihelp straight away; it takes "
                    "seconds.",
                ),
            ),
        ],
        "questions": [
            {
                "question": (
                    "Một bác lớn tuổi đưa bạn điện thoại và đọc mã OTP để bạn nhập giúp. Bạn "
                    "làm gì?",
                    "An older man hands you his phone and reads out his OTP for you to type. "
                    "What do you do?",
                ),
                "answers": [
                    (("Nhập nhanh giúp bác cho xong", "Type it in quickly for him"), False),
                    (
                        (
                            "Nhắc bác giữ kín mã và chỉ bác tự nhập",
                            "Remind him to keep the code secret and show him how to type "
                            "it himself",
                        ),
                        True,
                    ),
                    (
                        ("Ghi mã ra giấy để lần sau dùng", "Write the code down for next time"),
                        False,
                    ),
                ],
                "explanation": (
                    "Mã OTP chỉ người dân được biết. Tình nguyện viên hướng dẫn, người dân tự "
                    "nhập.",
                    "Only the citizen may know the OTP. Volunteers guide; citizens type.",
                ),
            },
            {
                "question": (
                    "Thông tin trên thẻ căn cước của người dân bị sai. Bạn nên làm gì?",
                    "The details on a citizen's ID card are wrong. What should you do?",
                ),
                "answers": [
                    (
                        (
                            "Hướng dẫn họ đến Công an xã, phường để điều chỉnh",
                            "Send them to the commune or ward police to have it corrected",
                        ),
                        True,
                    ),
                    (
                        ("Sửa thông tin trên ứng dụng giúp họ", "Correct it in the app for them"),
                        False,
                    ),
                    (("Bỏ qua vì không quan trọng", "Ignore it, it does not matter"), False),
                ],
                "explanation": (
                    "Chỉ cơ quan công an điều chỉnh được thông tin dân cư. Tình nguyện viên "
                    "không tự sửa và không đoán.",
                    "Only the police can correct population data. Volunteers neither change "
                    "it nor guess.",
                ),
            },
        ],
    },
    {
        "slug": ("dong-y-va-quyen-rieng-tu", "consent-and-privacy"),
        "title": ("Sự đồng ý và quyền riêng tư", "Consent and privacy"),
        "summary": (
            "Người dân tin tưởng giao điện thoại và giấy tờ cho bạn. Phần này nói rõ điều gì "
            "được ghi lại, điều gì không bao giờ được giữ, và cách hỏi sự đồng ý.",
            "Citizens trust you with their phones and papers. This module says what is "
            "recorded, what is never kept, and how to ask for consent.",
        ),
        "minutes": 20,
        "goals": [
            (
                "Biết Digihelp ghi lại những gì và không ghi những gì",
                "Know what Digihelp records and what it does not",
            ),
            (
                "Hỏi sự đồng ý trước khi ghi số điện thoại",
                "Ask for consent before recording a phone number",
            ),
            (
                "Không để lại dữ liệu cá nhân của người dân trên máy của bạn",
                "Leave no citizen's personal data on your phone",
            ),
        ],
        "steps": [
            (
                "step",
                ("Ghi càng ít càng tốt", "Record as little as possible"),
                (
                    "Khi ghi nhận lượt hỗ trợ, Digihelp không cần tên người dân. Chỉ chọn "
                    "việc đã hỗ trợ, kết quả, và vài thông tin chung như nhóm tuổi nếu người "
                    "dân đồng ý.",
                    "When you log a session, Digihelp does not need the citizen's name. "
                    "Choose only what you helped with, the outcome, and a few general "
                    "details such as the age group if they agree.",
                ),
            ),
            (
                "step",
                ("Hỏi trước khi ghi số điện thoại", "Ask before recording a phone number"),
                (
                    "Chỉ ghi số điện thoại khi người dân muốn nhận một tin nhắn nhắc việc (ví "
                    "dụ: hồ sơ đã có kết quả). Nói rõ tin gì, ngày nào, và số sẽ bị xóa sau "
                    "chiến dịch. Họ có quyền từ chối.",
                    "Only record a phone number when the citizen wants one reminder text "
                    "(for example: the application has a result). Say which message, on "
                    "what day, and that the number is erased after the campaign. They may "
                    "say no.",
                ),
            ),
            (
                "tip",
                (
                    "Mỗi tin nhắn có một đường link để người dân dừng nhận tin chỉ bằng một "
                    "lần chạm.",
                    "Every message has a link that stops further messages with one tap.",
                ),
            ),
            (
                "step",
                ("Không chụp, không giữ giấy tờ", "Never photograph or keep papers"),
                (
                    "Không chụp thẻ căn cước, giấy tờ hay màn hình của người dân bằng điện "
                    "thoại của bạn. Nếu cần ảnh để đính kèm hồ sơ, chụp bằng điện thoại của "
                    "họ.",
                    "Do not photograph a citizen's ID card, papers or screen with your own "
                    "phone. If a photo is needed for an application, take it with their "
                    "phone.",
                ),
            ),
            (
                "warning",
                (
                    "Không bao giờ ghi lại mật khẩu, passcode hay mã OTP, kể cả để “giúp nhớ”.",
                    "Never write down passwords, passcodes or OTPs, not even “to help them "
                    "remember”.",
                ),
            ),
            (
                "step",
                ("Dọn dẹp trên máy dùng chung", "Clean up on a shared phone"),
                (
                    "Nếu người dân dùng máy mượn hay máy chung, đăng xuất khỏi VNeID và Cổng "
                    "Dịch vụ công khi xong. Xóa ảnh giấy tờ vừa chụp nếu máy không phải của "
                    "họ.",
                    "If the citizen uses a borrowed or shared phone, sign out of VNeID and "
                    "the portal when done. Delete photos of papers just taken if the phone "
                    "is not theirs.",
                ),
            ),
            (
                "step",
                ("Khi người dân đổi ý", "When a citizen changes their mind"),
                (
                    "Nếu người dân không muốn nhận tin nhắn nữa, sửa lượt ghi nhận trong vòng "
                    "một ngày và chọn xóa số ngay. Sau thời gian đó, báo điều phối viên xã.",
                    "If a citizen no longer wants the message, correct the log within a day "
                    "and choose to erase the number now. After that, tell your commune "
                    "coordinator.",
                ),
            ),
        ],
        "questions": [
            {
                "question": (
                    "Người dân muốn được nhắn tin khi hồ sơ có kết quả. Bạn cần làm gì trước "
                    "khi ghi số?",
                    "A citizen wants a text when their result is ready. What must you do "
                    "before recording the number?",
                ),
                "answers": [
                    (
                        (
                            "Nói rõ tin gì, ngày nào, số bị xóa sau chiến dịch, rồi đánh dấu "
                            "người dân đồng ý",
                            "Say which message, on what day, that the number is erased "
                            "after the campaign, then tick that they agree",
                        ),
                        True,
                    ),
                    (
                        ("Ghi thêm họ tên cho dễ nhớ", "Also write down their name"),
                        False,
                    ),
                    (
                        ("Không cần hỏi vì họ đã đề nghị", "No need to ask: they suggested it"),
                        False,
                    ),
                ],
                "explanation": (
                    "Người dân cần biết rõ mình đồng ý với điều gì. Tên thì không cần.",
                    "Citizens must know exactly what they agree to. Their name is never needed.",
                ),
            },
            {
                "question": (
                    "Có nên chụp thẻ căn cước của người dân bằng điện thoại của bạn để làm "
                    "hồ sơ nhanh hơn không?",
                    "Should you photograph a citizen's ID card with your own phone to speed "
                    "up an application?",
                ),
                "answers": [
                    (("Có, rồi xóa sau", "Yes, and delete it later"), False),
                    (
                        (
                            "Không, chỉ chụp bằng điện thoại của người dân",
                            "No, only with the citizen's own phone",
                        ),
                        True,
                    ),
                ],
                "explanation": (
                    "Ảnh giấy tờ trên máy của bạn có thể bị lộ hoặc bị quên không xóa.",
                    "Photos of papers on your phone can leak or be forgotten.",
                ),
            },
        ],
    },
    {
        "slug": ("ghi-nhan-luot-ho-tro", "logging-a-session"),
        "title": ("Ghi nhận lượt hỗ trợ trong Digihelp", "Logging a session in Digihelp"),
        "summary": (
            "Mỗi lượt hỗ trợ được ghi lại giúp xã, phường biết chiến dịch đang đạt đến đâu. "
            "Ghi nhận chỉ mất ba lần chạm, kể cả khi mất mạng.",
            "Every session you log helps your commune see how the campaign is going. A log "
            "takes three taps, even without a connection.",
        ),
        "minutes": 15,
        "goals": [
            ("Ghi nhận một lượt hỗ trợ trong vài giây", "Log a session in seconds"),
            (
                "Ghi nhận khi mất mạng mà không mất dữ liệu",
                "Log without a connection and lose nothing",
            ),
            ("Sửa một lượt ghi nhận bị nhầm", "Correct a log you got wrong"),
        ],
        "steps": [
            (
                "step",
                ("Đăng nhập trên điện thoại", "Sign in on your phone"),
                (
                    "Mở Digihelp trên trình duyệt điện thoại và đăng nhập bằng tài khoản tình "
                    "nguyện viên. Chọn “Ghi nhận lượt hỗ trợ người dân”. Sau lần đầu, trang "
                    "này mở được cả khi mất mạng.",
                    "Open Digihelp in your phone's browser and sign in with your volunteer "
                    "account. Choose “Ghi nhận lượt hỗ trợ người dân” (log a citizen "
                    "helped). After the first time, the page opens even without a "
                    "connection.",
                ),
            ),
            (
                "tip",
                (
                    "Thêm trang này vào màn hình chính để mở nhanh.",
                    "Add the page to your home screen to open it quickly.",
                ),
            ),
            (
                "step",
                ("Chọn việc đã hỗ trợ", "Choose what you helped with"),
                (
                    "Chạm một hoặc nhiều việc trong danh sách, ví dụ “Tạo tài khoản định "
                    "danh điện tử (VNeID)”. Đây cũng là danh sách mà các hướng dẫn cho người "
                    "dân sử dụng.",
                    "Tap one or more items in the list, for example “Tạo tài khoản định danh "
                    "điện tử (VNeID)” (e-ID account created). The citizens' guides use the "
                    "same list.",
                ),
            ),
            (
                "step",
                ("Chọn kết quả và lưu", "Choose the outcome and save"),
                (
                    "Chọn “Hoàn thành”, “Làm được một phần”, “Chuyển nơi khác” hoặc “Cần hỗ "
                    "trợ tiếp”, rồi chạm “Lưu”.",
                    "Choose “Hoàn thành” (done), “Làm được một phần” (partly done), “Chuyển "
                    "nơi khác” (referred) or “Cần hỗ trợ tiếp” (needs follow-up), then tap "
                    "“Lưu” (save).",
                ),
            ),
            (
                "step",
                ("Thêm chi tiết nếu cần", "Add details if needed"),
                (
                    "Trong “Thêm chi tiết (không bắt buộc)”, bạn có thể ghi nhóm tuổi, người "
                    "cao tuổi, người khuyết tật, người dân tộc thiểu số, và tin nhắn theo dõi "
                    "nếu người dân yêu cầu và đồng ý.",
                    "Under “Thêm chi tiết (không bắt buộc)” (more details, optional) you can "
                    "note the age group, whether the person is elderly, has a disability or "
                    "belongs to an ethnic minority, and a follow-up text if the citizen asks "
                    "for one and agrees.",
                ),
            ),
            (
                "step",
                ("Khi mất mạng", "Without a connection"),
                (
                    "Cứ ghi nhận như bình thường. Điện thoại giữ lại và tự gửi khi có mạng; "
                    "không bị mất, không bị gửi trùng. Đừng ghi lại lần nữa.",
                    "Log as usual. Your phone keeps the log and sends it when the connection "
                    "is back; nothing is lost or sent twice. Do not log it again.",
                ),
            ),
            (
                "step",
                ("Sửa lượt ghi nhận bị nhầm", "Correct a mistake"),
                (
                    "Trong danh sách các lượt ghi nhận gần đây, chạm “Sửa” bên cạnh lượt cần "
                    "sửa. Bạn sửa được trong vòng một ngày; sau đó, báo điều phối viên xã.",
                    "In the list of your latest logs, tap “Sửa” (correct) next to the log. "
                    "You can correct it within a day; after that, tell your commune "
                    "coordinator.",
                ),
            ),
        ],
        "questions": [
            {
                "question": (
                    "Bạn ghi nhận một lượt hỗ trợ khi đang mất mạng. Điều gì xảy ra?",
                    "You log a session with no connection. What happens?",
                ),
                "answers": [
                    (
                        (
                            "Lượt ghi nhận bị mất, phải ghi lại sau",
                            "The log is lost and must be made again",
                        ),
                        False,
                    ),
                    (
                        (
                            "Điện thoại giữ lại và tự gửi khi có mạng",
                            "The phone keeps it and sends it when the connection is back",
                        ),
                        True,
                    ),
                ],
                "explanation": (
                    "Mỗi lượt có mã riêng, nên gửi lại nhiều lần cũng chỉ được tính một lần.",
                    "Each log has its own code, so sending it again never counts it twice.",
                ),
            },
            {
                "question": (
                    "Người dân không muốn cho biết tuổi. Bạn có ghi nhận được không?",
                    "A citizen does not want to give their age. Can you still log the session?",
                ),
                "answers": [
                    (
                        (
                            "Được, các chi tiết thêm đều không bắt buộc",
                            "Yes, the extra details are all optional",
                        ),
                        True,
                    ),
                    (
                        ("Không, phải có tuổi mới lưu được", "No, the age is required"),
                        False,
                    ),
                ],
                "explanation": (
                    "Chỉ cần chọn việc đã hỗ trợ và kết quả.",
                    "Only what you helped with and the outcome are needed.",
                ),
            },
        ],
    },
]
