/// Labels and values of ``SummaryContext/Fact`` that the offline generator understands.
/// The prompt builder writes facts with these labels; LLMs read them as plain text.
public enum ExtractiveFacts {
    /// Cuisine text, e.g. `스시, 오마카세`.
    public static let cuisine = "업종"
    /// Area (city and district), e.g. `서울 강남구`.
    public static let area = "지역"
    /// Full street address.
    public static let address = "주소"
    /// Average rating as written in the input, e.g. `4.8`.
    public static let rating = "평점"
    /// Badges (Michelin marks, certificates, taglines), comma-separated.
    public static let badges = "배지"
    /// Waiting level: one of ``waitLong``, ``waitSome``, ``waitNone`` then details in parentheses.
    public static let waiting = "웨이팅"
    /// Reservation habit: one of ``reservationMostly``, ``reservationSome``, ``reservationRare`` then details.
    public static let reservation = "예약"
    /// Take-out / delivery availability: `가능` or absent.
    public static let takeout = "포장"
    /// Most frequent visit occasions and companions, comma-separated (`데이트, 기념일`).
    public static let occasions = "방문 목적"
    /// Most frequent review keywords, comma-separated (`음식이 맛있어요, 친절해요`).
    public static let keywords = "리뷰 키워드"

    /// Waiting level words (first word of the ``waiting`` value).
    public static let waitLong = "긴 편"
    public static let waitSome = "가끔"
    public static let waitNone = "거의 없음"
    /// Reservation level words (first word of the ``reservation`` value).
    public static let reservationMostly = "대부분 예약"
    public static let reservationSome = "일부 예약"
    public static let reservationRare = "예약 없이"
}
